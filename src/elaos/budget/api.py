from ninja import Router

router = Router(tags=["Glass Accounts"])
