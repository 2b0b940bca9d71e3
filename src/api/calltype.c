/*
 * calltype.c - the five call types by name.
 */
#include <string.h>

#include "api/api.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "core/banned.h"

static const char *const names[] = {
	[CALL_EXECUTE] = "execute",
	[CALL_VALIDATE_ONLY] = "validate-only",
	[CALL_MOCK_SUCCESS] = "mock-success",
	[CALL_MOCK_FAILURE] = "mock-failure",
	[CALL_MOCK_INVALID] = "mock-invalid",
};

int call_type_parse(const char *s, enum call_type *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*out = (enum call_type)i;
			return 0;
		}
	}
	return err_set("unknown call type '%s'; expected one of: execute, "
		       "validate-only, mock-success, mock-failure, "
		       "mock-invalid",
		       s);
}

const char *call_type_name(enum call_type t)
{
	return (size_t)t < ARRAY_SIZE(names) ? names[t] : "unknown";
}
