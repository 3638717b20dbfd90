from django.apps import AppConfig
from django.conf.locale import LANG_INFO


class CoreConfig(AppConfig):
    name = "elaos.core"
    label = "core"
    verbose_name = "e-Laos core"

    def ready(self) -> None:
        # Django ships no Lao locale metadata; without it get_language_info("lo") fails.
        LANG_INFO.setdefault("lo", {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ລາວ"})
