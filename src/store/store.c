/* store.c - the store object: open (create, verify, format and chain
 * checks), close, metadata queries.
 * Not here: the records themselves (blocks.c, votes.c, weights.c), the
 * record format (record.c), the checks (lmdbcheck.c, check.c). */
#include "luxc/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/be.h"
#include "common/hex.h"
#include "store/store_int.h"

#define PATHMAX 4000u /* leaves room for "/data.mdb" within PATH_MAX */
#define ALL_FLAGS (LUXC_STORE_CREATE | LUXC_STORE_RDONLY | LUXC_STORE_NOSYNC | \
                   LUXC_STORE_NOVERIFY)

size_t luxc_store_idbytes(void) { return LUXC_STORE_IDBYTES; }
size_t luxc_store_chainidbytes(void) { return LUXC_STORE_CHAINIDBYTES; }
size_t luxc_store_voterbytes(void) { return LUXC_STORE_VOTERBYTES; }
size_t luxc_store_namemaxbytes(void) { return LUXC_STORE_NAMEMAXBYTES; }
size_t luxc_store_valuemaxbytes(void) { return LUXC_STORE_VALUEMAXBYTES; }

/* Directory and data file state before LMDB touches anything:
 * *fresh = 1 when there is no data.mdb yet. */
static int check_path(store_msg *m, const luxc_store_cfg *cfg, int *fresh)
{
    struct stat st;
    char file[PATHMAX + 16];
    int create = (cfg->flags & LUXC_STORE_CREATE) != 0;
    if (stat(cfg->path, &st) != 0) {
        if (errno != ENOENT)
            return store_err(m, LUXC_EIO, "stat %s: %s", cfg->path, strerror(errno));
        if (!create)
            return store_err(m, LUXC_ENOTFOUND, "no store at %s (directory missing)",
                             cfg->path);
        if (!cfg->chain_id)
            return store_err(m, LUXC_EINVAL, "creating a store needs cfg.chain_id");
        if (mkdir(cfg->path, 0700) != 0)
            return store_err(m, LUXC_EIO, "mkdir %s: %s", cfg->path, strerror(errno));
    } else if (!S_ISDIR(st.st_mode)) {
        return store_err(m, LUXC_EIO, "%s is not a directory", cfg->path);
    }
    snprintf(file, sizeof file, "%s/data.mdb", cfg->path);
    *fresh = 0;
    if (stat(file, &st) != 0) {
        if (errno != ENOENT)
            return store_err(m, LUXC_EIO, "stat %s: %s", file, strerror(errno));
        if (!create)
            return store_err(m, LUXC_ENOTFOUND, "no store at %s (no data.mdb)",
                             cfg->path);
        *fresh = 1;
    } else if (!S_ISREG(st.st_mode)) {
        return store_err(m, LUXC_EIO, "%s is not a regular file", file);
    } else if (st.st_size == 0) {
        /* LMDB would silently start a new database over it. */
        return store_err(m, LUXC_ECORRUPT, "%s is empty (truncated?); move it "
                         "away to start a new store", file);
    } else if (!(cfg->flags & LUXC_STORE_NOVERIFY)) {
        int rc = store_lmdb_precheck(m, file);
        if (rc != LUXC_OK)
            return rc;
    }
    if (*fresh && !cfg->chain_id)
        return store_err(m, LUXC_EINVAL, "creating a store needs cfg.chain_id");
    return LUXC_OK;
}

static int open_env(store_msg *m, luxc_store *s, const luxc_store_cfg *cfg)
{
    unsigned fl = MDB_NOTLS;
    if (cfg->flags & LUXC_STORE_RDONLY)
        fl |= MDB_RDONLY;
    if (cfg->flags & LUXC_STORE_NOSYNC)
        fl |= MDB_NOSYNC;
    int rc = mdb_env_create(&s->env);
    if (rc != MDB_SUCCESS) {
        s->env = NULL;
        return store_mdb_err(m, rc, "mdb_env_create");
    }
    rc = mdb_env_set_maxdbs(s->env, DB_COUNT);
    if (rc == MDB_SUCCESS)
        rc = mdb_env_set_mapsize(s->env, cfg->map_size ? cfg->map_size
                                                       : LUXC_STORE_MAPSIZE_DEFAULT);
    if (rc != MDB_SUCCESS)
        return store_mdb_err(m, rc, "configure LMDB");
    rc = mdb_env_open(s->env, cfg->path, fl, 0600);
    if (rc == MDB_INVALID)
        return store_err(m, LUXC_ECORRUPT, "%s/data.mdb is not an LMDB file "
                         "(garbage or truncated meta pages)", cfg->path);
    if (rc == MDB_VERSION_MISMATCH)
        return store_err(m, LUXC_EVERSION, "%s: LMDB file or lock version differs "
                         "from liblmdb %s", cfg->path, MDB_VERSION_STRING);
    if (rc != MDB_SUCCESS)
        return store_mdb_err(m, rc, "mdb_env_open");
    /* Free reader slots of processes that died (kill -9) so their stale
     * snapshots do not pin old pages; a failure here is harmless. */
    int dead;
    (void)mdb_reader_check(s->env, &dead);
    return LUXC_OK;
}

/* Structural walk of data.mdb, under a read txn so pages stay put. */
static int verify_file(store_msg *m, luxc_store *s)
{
    MDB_txn *txn;
    int fd;
    int rc = store_txn_begin(m, s, 0, &txn);
    if (rc != LUXC_OK)
        return rc;
    if (mdb_env_get_fd(s->env, &fd) != MDB_SUCCESS)
        rc = store_err(m, LUXC_EIO, "no file descriptor for data.mdb");
    else
        rc = store_lmdb_walk(m, fd);
    mdb_txn_abort(txn);
    return rc;
}

static int put_meta(store_msg *m, MDB_txn *txn, const luxc_store *s,
                    const char *name, const uint8_t *p, size_t n)
{
    MDB_val key = {.mv_size = strlen(name), .mv_data = (void *)(uintptr_t)name};
    const uint8_t *seg[3] = {p, NULL, NULL};
    const size_t len[3] = {n, 0, 0};
    /* Only used on a store LMDB calls empty: existing records mean the
     * count lied, and must not be overwritten. */
    return store_rec_put(m, txn, s, DB_META, &key, seg, len, MDB_NOOVERWRITE);
}

/* A new store: every sub-database and the meta records, in one txn. */
static int init_store(store_msg *m, MDB_txn *txn, luxc_store *s, const uint8_t *chain)
{
    uint8_t ver[4];
    for (int i = 0; i < DB_COUNT; i++) {
        int rc = mdb_dbi_open(txn, luxc_store_db_names[i], MDB_CREATE, &s->dbi[i]);
        if (rc != MDB_SUCCESS)
            return store_mdb_err(m, rc, "create sub-database");
    }
    luxc_be32_store(ver, LUXC_STORE_FORMAT_VERSION);
    memcpy(s->chain_id, chain, LUXC_STORE_CHAINIDBYTES);
    int rc = put_meta(m, txn, s, "format", ver, 4);
    if (rc == LUXC_OK)
        rc = put_meta(m, txn, s, "chain", chain, LUXC_STORE_CHAINIDBYTES);
    return rc;
}

/* An existing store: sub-databases present, our format, the right chain. */
static int attach_store(store_msg *m, MDB_txn *txn, luxc_store *s, const uint8_t *chain)
{
    for (int i = 0; i < DB_COUNT; i++) {
        int rc = mdb_dbi_open(txn, luxc_store_db_names[i], 0, &s->dbi[i]);
        if (rc == MDB_NOTFOUND)
            return store_err(m, LUXC_ECORRUPT, "sub-database \"%s\" is missing "
                             "(not a luxc store?)", luxc_store_db_names[i]);
        if (rc != MDB_SUCCESS)
            return store_mdb_err(m, rc, "open sub-database");
    }
    const uint8_t *p;
    size_t n;
    MDB_val key = {.mv_size = 6, .mv_data = "format"};
    int rc = store_rec_get(m, txn, s, DB_META, &key, &p, &n);
    if (rc == LUXC_ENOTFOUND || (rc == LUXC_OK && n != 4))
        return store_err(m, LUXC_ECORRUPT, "meta \"format\" record missing or "
                         "malformed");
    if (rc != LUXC_OK)
        return rc;
    if (luxc_be32_load(p) != LUXC_STORE_FORMAT_VERSION)
        return store_err(m, LUXC_EVERSION, "store format version %lu; this build "
                         "reads version %u", (unsigned long)luxc_be32_load(p),
                         LUXC_STORE_FORMAT_VERSION);
    key = (MDB_val){.mv_size = 5, .mv_data = "chain"};
    rc = store_rec_get(m, txn, s, DB_META, &key, &p, &n);
    if (rc == LUXC_ENOTFOUND || (rc == LUXC_OK && n != LUXC_STORE_CHAINIDBYTES))
        return store_err(m, LUXC_ECORRUPT, "meta \"chain\" record missing or "
                         "malformed");
    if (rc != LUXC_OK)
        return rc;
    memcpy(s->chain_id, p, LUXC_STORE_CHAINIDBYTES);
    if (chain && memcmp(chain, p, LUXC_STORE_CHAINIDBYTES) != 0) {
        char have[17], want[17];
        luxc_hex_encode(have, p, 8);
        luxc_hex_encode(want, chain, 8);
        return store_err(m, LUXC_EPARAM, "store belongs to chain %s..., the "
                         "configuration names chain %s...", have, want);
    }
    return LUXC_OK;
}

static int setup_dbs(store_msg *m, luxc_store *s, const luxc_store_cfg *cfg)
{
    MDB_txn *txn;
    MDB_dbi main_dbi;
    MDB_stat st;
    int write = !(cfg->flags & LUXC_STORE_RDONLY);
    int rc = store_txn_begin(m, s, write, &txn);
    if (rc != LUXC_OK)
        return rc;
    int mrc = mdb_dbi_open(txn, NULL, 0, &main_dbi);
    if (mrc == MDB_SUCCESS)
        mrc = mdb_stat(txn, main_dbi, &st);
    if (mrc != MDB_SUCCESS) {
        rc = store_mdb_err(m, mrc, "read the main database");
    } else if (st.ms_entries == 0) {
        /* LMDB file without our records: new, or a creation that crashed
         * before its one transaction committed. */
        if (!write || !(cfg->flags & LUXC_STORE_CREATE))
            rc = store_err(m, LUXC_ENOTFOUND, "no store at %s (empty database)",
                           cfg->path);
        else if (!cfg->chain_id)
            rc = store_err(m, LUXC_EINVAL, "creating a store needs cfg.chain_id");
        else
            rc = init_store(m, txn, s, cfg->chain_id);
    } else {
        rc = attach_store(m, txn, s, cfg->chain_id);
        if (rc == LUXC_OK && !(cfg->flags & LUXC_STORE_NOVERIFY))
            rc = store_check_records(m, txn, s);
    }
    if (rc != LUXC_OK) {
        mdb_txn_abort(txn);
        return rc;
    }
    return store_txn_commit(m, txn, "store setup");
}

/* A creation that failed (e.g. no room for the meta pages) leaves no
 * files behind that a later open would have to call damaged. The directory
 * stays. Only called when data.mdb did not exist before this open. */
static void remove_fresh(const char *path)
{
    char file[PATHMAX + 16];
    snprintf(file, sizeof file, "%s/data.mdb", path);
    (void)unlink(file);
    snprintf(file, sizeof file, "%s/lock.mdb", path);
    (void)unlink(file);
}

static int open_store(store_msg *m, luxc_store **out, const luxc_store_cfg *cfg)
{
    int fresh = 0;
    if (!cfg->path || !cfg->path[0])
        return store_err(m, LUXC_EINVAL, "cfg.path is empty");
    size_t plen = strnlen(cfg->path, PATHMAX + 1);
    if (plen > PATHMAX)
        return store_err(m, LUXC_ETOOBIG, "cfg.path longer than %u bytes", PATHMAX);
    if (cfg->flags & ~ALL_FLAGS)
        return store_err(m, LUXC_EINVAL, "unknown flags %#x", cfg->flags & ~ALL_FLAGS);
    if ((cfg->flags & LUXC_STORE_CREATE) && (cfg->flags & LUXC_STORE_RDONLY))
        return store_err(m, LUXC_EINVAL, "LUXC_STORE_CREATE with LUXC_STORE_RDONLY");
    if (cfg->map_size != 0 && cfg->map_size < LUXC_STORE_MAPSIZE_MIN)
        return store_err(m, LUXC_ERANGE, "map_size %zu below the minimum %zu",
                         cfg->map_size, LUXC_STORE_MAPSIZE_MIN);
    int rc = check_path(m, cfg, &fresh);
    if (rc != LUXC_OK)
        return rc;
    luxc_store *s = calloc(1, sizeof *s);
    if (!s)
        return store_err(m, LUXC_ENOMEM, "no memory for the store");
    s->flags = cfg->flags;
    s->log = cfg->log;
    s->log_ctx = cfg->log_ctx;
    s->path = malloc(plen + 1);
    if (!s->path) {
        rc = store_err(m, LUXC_ENOMEM, "no memory for the store");
        goto fail;
    }
    memcpy(s->path, cfg->path, plen + 1);
    rc = open_env(m, s, cfg);
    if (rc == LUXC_OK && !fresh && !(cfg->flags & LUXC_STORE_NOVERIFY))
        rc = verify_file(m, s);
    if (rc == LUXC_OK)
        rc = setup_dbs(m, s, cfg);
    if (rc != LUXC_OK)
        goto fail;
    *out = s;
    return LUXC_OK;
fail:
    luxc_store_free(s);
    if (fresh)
        remove_fresh(cfg->path);
    return rc;
}

int luxc_store_new(luxc_store **out, const luxc_store_cfg *cfg, char *err, size_t errlen)
{
    store_msg m = {{0}};
    if (err && errlen)
        err[0] = '\0';
    if (!out || !cfg) {
        if (err && errlen)
            snprintf(err, errlen, "store: %s", !out ? "out is NULL" : "cfg is NULL");
        if (out)
            *out = NULL;
        return LUXC_EINVAL;
    }
    *out = NULL;
    int rc = open_store(&m, out, cfg);
    if (rc == LUXC_OK)
        return rc;
    const char *path = cfg->path ? cfg->path : "(null)";
    const char *why = m.text[0] ? m.text : luxc_strerror(rc);
    if (err && errlen)
        snprintf(err, errlen, "store %.4000s: %s", path, why);
    store_log_event(cfg->log, cfg->log_ctx, "store open failed", path, rc, why);
    return rc;
}

void luxc_store_free(luxc_store *s)
{
    if (!s)
        return;
    if (s->env)
        mdb_env_close(s->env);
    free(s->path);
    free(s);
}

int luxc_store_info_get(luxc_store *s, luxc_store_info *info)
{
    store_msg m = {{0}};
    MDB_txn *txn;
    MDB_stat st;
    MDB_envinfo ei;
    if (!s || !info)
        return LUXC_EINVAL;
    memset(info, 0, sizeof *info);
    int rc = store_txn_begin(&m, s, 0, &txn);
    if (rc != LUXC_OK)
        return store_report(s, rc, &m);
    int has_first = 0;
    rc = store_meta_last(&m, txn, s, &info->has_blocks, &info->last_height,
                         info->last_id);
    if (rc == LUXC_OK)
        rc = store_meta_first(&m, txn, s, &has_first, &info->first_height);
    if (rc == LUXC_OK && has_first != info->has_blocks)
        rc = store_err(&m, LUXC_ECORRUPT, "meta \"first\" and \"last\" disagree");
    if (rc == LUXC_OK) {
        int mrc = mdb_stat(txn, s->dbi[DB_VOTES], &st);
        if (mrc == MDB_SUCCESS)
            mrc = mdb_env_info(s->env, &ei);
        if (mrc == MDB_SUCCESS) {
            MDB_stat es;
            mrc = mdb_env_stat(s->env, &es);
            info->votes = st.ms_entries;
            info->map_size = ei.me_mapsize;
            info->map_used = (ei.me_last_pgno + 1) * (size_t)es.ms_psize;
        }
        if (mrc != MDB_SUCCESS)
            rc = store_mdb_err(&m, mrc, "store statistics");
    }
    mdb_txn_abort(txn);
    info->format_version = LUXC_STORE_FORMAT_VERSION;
    memcpy(info->chain_id, s->chain_id, LUXC_STORE_CHAINIDBYTES);
    return store_report(s, rc, &m);
}

int luxc_store_last(luxc_store *s, uint64_t *height, uint8_t id[LUXC_STORE_IDBYTES])
{
    store_msg m = {{0}};
    MDB_txn *txn;
    int has;
    uint64_t h;
    if (!s || !height)
        return LUXC_EINVAL;
    int rc = store_txn_begin(&m, s, 0, &txn);
    if (rc != LUXC_OK)
        return store_report(s, rc, &m);
    rc = store_meta_last(&m, txn, s, &has, &h, id);
    mdb_txn_abort(txn);
    if (rc == LUXC_OK && !has)
        rc = LUXC_ENOTFOUND;
    if (rc == LUXC_OK)
        *height = h;
    return store_report(s, rc, &m);
}

int luxc_store_check(luxc_store *s)
{
    store_msg m = {{0}};
    MDB_txn *txn;
    if (!s)
        return LUXC_EINVAL;
    int rc = store_txn_begin(&m, s, 0, &txn);
    if (rc != LUXC_OK)
        return store_report(s, rc, &m);
    rc = store_check_records(&m, txn, s);
    mdb_txn_abort(txn);
    return store_report(s, rc, &m);
}
