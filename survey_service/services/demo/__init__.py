"""Demo data: the network programme *Saman om ein betre kommune* with its 110 municipalities,
simulated, so a new user sees the service at work (``survey-service demo``)."""

from survey_service.services.demo.load import DEMO_ACTOR, SEED, Loaded, load_demo
from survey_service.services.demo.programme import (
    BEAT_BASELINE,
    MISSED_TARGET,
    SUPPRESSED,
    programme,
)

__all__ = [
    "BEAT_BASELINE",
    "DEMO_ACTOR",
    "MISSED_TARGET",
    "SEED",
    "SUPPRESSED",
    "Loaded",
    "load_demo",
    "programme",
]
