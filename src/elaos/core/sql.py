"""Plain SQL for the few statements that every signed-in request runs (the session, the user, a page's version).

Compiling an ORM query costs about ten times what SQLite or PostgreSQL then take to answer it (≈ 0.2–0.3 ms
against ≈ 0.03 ms for a primary-key lookup). For these statements the SQL is built once per process from the
models' own metadata and run through Django's cursor, and rows become model instances with the same converters
the ORM applies (ADR 0007). Everything else uses the ORM."""

from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

M = TypeVar("M", bound=Model)


def fetch_one(sql: str, params: Sequence[Any], using: str = DEFAULT_DB_ALIAS) -> tuple[Any, ...] | None:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def db_value(model: type[Model], field: str, value: Any, using: str = DEFAULT_DB_ALIAS) -> Any:
    """`value` as the database stores the model's field (a UUID as 32 hex digits and a datetime as text on SQLite,
    native types on PostgreSQL): what the ORM would send as the query parameter."""
    return model._meta.get_field(field).get_db_prep_value(value, connections[using], prepared=False)


def column(model: type[Model], field: str, alias: str = "", using: str = DEFAULT_DB_ALIAS) -> str:
    """The quoted column of a model's field, qualified by a table alias if given."""
    name = connections[using].ops.quote_name(model._meta.get_field(field).column)
    return f"{alias}.{name}" if alias else name


def table(model: type[Model], using: str = DEFAULT_DB_ALIAS) -> str:
    return connections[using].ops.quote_name(model._meta.db_table)


@cache
def _select(model: type[Model], using: str) -> tuple[str, list[str], list[tuple[int, list[Any], Any]]]:
    connection = connections[using]
    fields = model._meta.concrete_fields
    converters = []
    for index, field in enumerate(fields):
        expression = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
        if functions:
            converters.append((index, functions, expression))
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    select = f"SELECT {columns} FROM {table(model, using)}"  # noqa: S608 (names from the model)
    return select, [field.attname for field in fields], converters


def instance_by_pk(model: type[M], pk: Any, using: str = DEFAULT_DB_ALIAS) -> M | None:
    """The model instance with primary key `pk` (every concrete field loaded, converted as the ORM converts them),
    or None."""
    select, attnames, converters = _select(model, using)
    pk_field = model._meta.pk
    row = fetch_one(
        f"{select} WHERE {connections[using].ops.quote_name(pk_field.column)} = %s",
        [pk_field.get_db_prep_value(pk_field.to_python(pk), connections[using], prepared=False)],
        using,
    )
    if row is None:
        return None
    values = list(row)
    connection = connections[using]
    for index, functions, expression in converters:
        for function in functions:
            values[index] = function(values[index], expression, connection)
    return model.from_db(using, attnames, values)
