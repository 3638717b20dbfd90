from ninja import Router

router = Router(tags=["Protection case management"])
