from ninja import Router

router = Router(tags=["Agency data exchange and consent"])
