from ninja import Router

router = Router(tags=["OpenID Provider and federation"])
