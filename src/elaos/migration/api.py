from ninja import Router

router = Router(tags=["Safe migration"])
