/* json_expect.c - check one JSON object read from stdin against conditions
 * given as arguments: "field=N", "field>=N", "field<=N", "field>N",
 * "field<N" (numbers) or "field==true". Prints the object and the failed condition on failure.
 * Exit 0 if all hold, 1 otherwise. Used by CTest on `luxc devnet --json`. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    static char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf - 1, stdin);
    buf[len] = '\0';
    cJSON *j = cJSON_Parse(buf);
    if (!cJSON_IsObject(j)) {
        fprintf(stderr, "json_expect: not one JSON object:\n%s\n", buf);
        return 1;
    }
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        char field[128];
        const char *op = strpbrk(argv[i], "<>=");
        size_t fl = op ? (size_t)(op - argv[i]) : 0;
        if (!op || fl == 0 || fl >= sizeof field) {
            fprintf(stderr, "json_expect: bad condition '%s'\n", argv[i]);
            return 2;
        }
        memcpy(field, argv[i], fl);
        field[fl] = '\0';
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, field);
        const char *rhs = op + (op[1] == '=' ? 2 : 1);
        int ok;
        if (!v) {
            ok = 0;
        } else if (!strcmp(rhs, "true") || !strcmp(rhs, "false")) {
            ok = cJSON_IsBool(v) && (cJSON_IsTrue(v) == !strcmp(rhs, "true"));
        } else {
            double want = strtod(rhs, NULL), got = cJSON_GetNumberValue(v);
            int or_equal = op[1] == '=';
            ok = cJSON_IsNumber(v) && (op[0] == '>'   ? (or_equal ? got >= want : got > want)
                                       : op[0] == '<' ? (or_equal ? got <= want : got < want)
                                                      : got == want);
        }
        if (!ok) {
            fprintf(stderr, "json_expect: condition '%s' failed on:\n%s\n", argv[i], buf);
            rc = 1;
        }
    }
    cJSON_Delete(j);
    return rc;
}
