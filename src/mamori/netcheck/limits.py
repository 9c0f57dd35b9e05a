"""Named limits of the netcheck engine, each saying what it protects against."""

from __future__ import annotations

# A device configuration larger than this is refused: protects memory and parse time against a
# mistaken upload (a full syslog, a binary image) rather than a real config (real ones are < 10 MB).
MAX_CONFIG_BYTES = 32 * 1024 * 1024

# MODEL.yaml larger than this is refused: protects the YAML loader against billion-laughs style input.
MAX_MODEL_BYTES = 4 * 1024 * 1024

# Jump depth between chains: iptables itself refuses loops; this guards the evaluator against a
# crafted cyclic chain graph (nftables JSON, hand-written IR) recursing without end.
MAX_CHAIN_DEPTH = 64

# Rules per device: bounds verification time and BDD memory on hostile input.
MAX_RULES_PER_DEVICE = 200_000

# Members of one port list or address set (multiport, nft anonymous sets, object groups).
MAX_SET_MEMBERS = 100_000

# Distinct interface names per device: interfaces are encoded in 8 BDD variables per direction.
MAX_INTERFACES = 255

# Devices per model.
MAX_DEVICES = 500

# Earlier-rule comparisons per device while naming which rules cover a shadowed rule: the naming scan
# is quadratic in the rules of a chain; on random rule sets it would otherwise dominate the run. Past
# this budget shadowed rules are still found exactly, but their covering rules are no longer named
# and the report says the list is incomplete.
MAX_SHADOWER_COMPARISONS = 2_000_000
