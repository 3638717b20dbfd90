"""Actions run when an instance enters a state, registered by the apps that own them (a domain registers
"notify", "generate_document", "require_payment" for its own subjects at start-up). The engine never imports
a domain: it only calls what was registered here."""

from collections.abc import Callable
from typing import Any

ActionHandler = Callable[..., None]
_ACTIONS: dict[str, list[tuple[str, ActionHandler]]] = {}


def register_action(name: str, handler: ActionHandler, *, subject_type: str = "*") -> None:
    """`handler(instance=, config=, transition=)` runs inside the transition's transaction for instances whose
    subject_type matches (or every instance for "*"). Registering the same handler twice is harmless."""
    handlers = _ACTIONS.setdefault(name, [])
    if (subject_type, handler) not in handlers:
        handlers.append((subject_type, handler))


def known_actions() -> set[str]:
    return set(_ACTIONS)


def run_actions(instance: Any, configs: list[dict[str, Any]], transition: Any) -> None:
    for config in configs:
        for subject_type, handler in _ACTIONS.get(config["action"], []):
            if subject_type in ("*", instance.subject_type):
                handler(instance=instance, config=config, transition=transition)
