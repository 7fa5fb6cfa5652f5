"""The bundled demo data set: a dozen incidents whose stories `data/demo/README.md` tells."""

from aftermath.demo.generator import BAD_DATE_VALUE, DEFAULT_SEED, FEATURES, write_demo

__all__ = ["BAD_DATE_VALUE", "DEFAULT_SEED", "FEATURES", "write_demo"]
