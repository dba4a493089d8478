#ifndef PORTOLAN_CYAML_SHIM_H
#define PORTOLAN_CYAML_SHIM_H
// libyaml from the system (Debian: libyaml-dev, pkg-config yaml-0.1).
#include <yaml.h>

// Asks the processor to start loading `bytes` bytes at `p` into the cache (never faults, even for
// addresses outside any allocation). Used to read a resource's YAML tree ahead of its use.
static inline void portolan_prefetch(const void *p, long bytes) {
    const char *c = (const char *)p;
    for (long i = 0; i < bytes; i += 64) __builtin_prefetch(c + i, 0, 3);
}
#endif
