#ifndef ROLEHOP_CLIBXML2_SHIM_H
#define ROLEHOP_CLIBXML2_SHIM_H
// No shims needed: libxml2's tree API is plain C functions and structs Swift can call directly.
#include <libxml/parser.h>
#include <libxml/tree.h>
#endif
