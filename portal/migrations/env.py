"""Alembic environment of the portal: runs on the connection portal.schema hands over, with its own version table
(`portal_alembic_version`), so a portal schema and a kiosk schema never read each other's revision."""

from alembic import context

from portal import models  # noqa: F401  (registers the tables on Base.metadata)
from portal.db import Base
from portal.schema import VERSION_TABLE

config = context.config
connection = config.attributes["connection"]  # portal.schema always hands one over, inside its locked transaction
context.configure(connection=connection, target_metadata=Base.metadata, version_table=VERSION_TABLE, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
