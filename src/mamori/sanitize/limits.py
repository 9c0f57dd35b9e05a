"""Default resource limits of the sanitizer, each naming what it protects against."""

from __future__ import annotations

from typing import Final

MiB: Final = 1024 * 1024

# Refuses oversized inputs before any parser sees them (memory and time exhaustion by sheer size).
MAX_INPUT_BYTES: Final = 50 * MiB

# Caps the members unpacked from one archive (zip bombs made of many small members, inode exhaustion).
MAX_ARCHIVE_MEMBERS: Final = 1000

# Caps how deep archives nest inside archives (recursive "42.zip"-style bombs).
MAX_ARCHIVE_DEPTH: Final = 3

# Caps uncompressed/compressed size per archive member and per archive (compression-ratio bombs).
MAX_EXPANSION_RATIO: Final = 100

# Caps the total bytes unpacked from one input, all nesting levels together (disk and memory exhaustion).
MAX_EXPANDED_BYTES: Final = 200 * MiB

# Caps decoded image size (decompression bombs: a tiny PNG that decodes to gigabytes of pixels).
MAX_IMAGE_PIXELS: Final = 40_000_000

# Caps MIME parts in one message (part-count bombs such as flanker's 3,000-part message).
MAX_MIME_PARTS: Final = 500

# Caps multipart / message/rfc822 nesting (endless nesting, stack exhaustion in recursive walkers).
MAX_MIME_DEPTH: Final = 20

# Caps the size of the header block of one message or part (giant Subject lines, header floods).
MAX_HEADER_BYTES: Final = 256 * 1024

# Caps CPU seconds one isolated conversion may use (parser loops, pathological inputs).
CPU_SECONDS: Final = 30

# Caps the address space of an isolation worker (memory exhaustion by a parser).
MEMORY_BYTES: Final = 2048 * MiB

# Caps wall-clock seconds for one isolated conversion (hangs that use no CPU, e.g. blocked I/O).
WALL_SECONDS: Final = 60

# Caps the pages processed in one PDF (page-count bombs; rendering cost grows per page).
MAX_PDF_PAGES: Final = 500

# Caps the bytes a worker may hand back or write (output bombs; also RLIMIT_FSIZE of the worker).
MAX_OUTPUT_BYTES: Final = 100 * MiB
