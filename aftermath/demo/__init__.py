"""The bundled demo data set: a dozen incidents whose stories `data/demo/README.md` tells.

`generator.write_demo` writes it; each part comes from the module named for what it makes:
`world` (the period, segments, stories and records every part shares), `accounts`, `usage`,
`tickets` (tickets and their comments), `incidents` (incidents, status updates, postmortems,
action items) and `truth` (the planted facts the tests check).
"""

from aftermath.demo.generator import write_demo
from aftermath.demo.tickets import BAD_DATE_VALUE
from aftermath.demo.world import DEFAULT_SEED, FEATURES

__all__ = ["BAD_DATE_VALUE", "DEFAULT_SEED", "FEATURES", "write_demo"]
