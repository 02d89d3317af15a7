/* errdetail.c - the one line of error detail (errdetail.h). */
#include "errdetail.h"

#include <stdio.h>

int luxc_verrf(char *err, size_t errlen, int rc, const char *fmt, va_list ap)
{
    if (!err || errlen == 0)
        return rc;
    vsnprintf(err, errlen, fmt, ap);
    for (char *p = err; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return rc;
}

int luxc_errf(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rc = luxc_verrf(err, errlen, rc, fmt, ap);
    va_end(ap);
    return rc;
}
