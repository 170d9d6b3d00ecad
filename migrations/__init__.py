"""The alembic migrations, installed as the package ``survey_service.migrations``."""
