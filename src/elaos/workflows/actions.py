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


# Office resolvers: a state that names `office: <resolver>` is worked on by another office (a line ministry giving
# its opinion), found by a callable the owning domain registered, like an action.
OfficeResolver = Callable[..., Any]
_OFFICE_RESOLVERS: dict[str, list[tuple[str, OfficeResolver]]] = {}


def register_office_resolver(name: str, resolver: OfficeResolver, *, subject_type: str = "*") -> None:
    """`resolver(instance=)` returns the Organisation that works on the instance while it is in a state naming
    this resolver, or None when it cannot tell. Registering the same resolver twice is harmless."""
    resolvers = _OFFICE_RESOLVERS.setdefault(name, [])
    if (subject_type, resolver) not in resolvers:
        resolvers.append((subject_type, resolver))


def known_office_resolvers() -> set[str]:
    return set(_OFFICE_RESOLVERS)


def resolve_office(name: str, instance: Any) -> Any:
    """The office the first matching resolver names, or None."""
    for subject_type, resolver in _OFFICE_RESOLVERS.get(name, []):
        if subject_type in ("*", instance.subject_type):
            office = resolver(instance=instance)
            if office is not None:
                return office
    return None
