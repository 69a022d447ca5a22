"""``field__any_of=[…]``: membership in a list as *one* parameter on PostgreSQL.

Why: ``Article.objects.named()`` matches a page's wikilink targets (each in both scripts) against
five columns, so ``__in`` wrote the same ~50 values five times — ~250 parameters that Django
prepared one by one and psycopg re-parsed on every render, because a statement that long is past
its cache (with the resolve query and the scheduled-links query, ~4 ms of CPU per full render).
``col = ANY(%s)`` with the list as one array parameter keeps the statement short and the same for
every page, and PostgreSQL uses the column's b-tree index for it as for ``IN``. Other databases
get the ``IN`` list that ``__in`` would write. Values are compared as given (no per-value
``get_prep_value``): the callers pass strings for text columns.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Lookup


@models.CharField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False  # a list, not a value of the field

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = sorted(set(self.rhs))
        if not values:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]
