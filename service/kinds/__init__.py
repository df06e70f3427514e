"""Document kinds as data: each kind's fields, rules, computed template variables and pre-filling, declared in
plain Python (service/kinds/<area>.py) and attached to its catalog entry (service/catalog.py, `fields=`).

`fields.py` says what each field type means (reading, bounds, stored JSON, template variables, API description);
`schema.py` holds `KindFields`, the declaration, with the one check and the one context builder; `recorded.py`
pre-fills and refreshes documents from what the review cycle recorded. The page forms (forms/) are generated
from these declarations; nothing here imports forms/ or web/.
"""
from .schema import HEADER, KindFields

__all__ = ["HEADER", "KindFields"]
