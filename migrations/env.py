"""Alembic environment: uses the connection handed over by service.db.Database.upgrade, or the URL."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from service import models  # noqa: F401  (registers the tables)
from service.review import models as review_models  # noqa: F401
from service.archive import models as archive_models  # noqa: F401
from service.templates import models as template_models  # noqa: F401
from service import unit_rules  # noqa: F401
from service.db import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    """Run migrations on the given connection, else on a fresh engine."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
