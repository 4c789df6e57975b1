/*
 * ctl_admin.c — tryggctl init, user and kiosk: the data directory, staff
 * accounts and kiosk tokens.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "trygg/paths.h"
#include "trygg/route.h"
#include "trygg/secret.h"

static int mkdir_mode(const char *path, mode_t mode)
{
    if (mkdir(path, mode) == 0)
        return 0;
    struct stat sb;
    if (errno == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return 0;
    ctl_error("cannot create directory %s: %s", path, strerror(errno));
    return -1;
}

/* ---- init ------------------------------------------------------------------ */

/* Makes the database's recipients follow the routing config
 * (DATADIR/routing.ini, else the built-in defaults): labels, full access,
 * company flag and the addresses the config gives; recipients it does not
 * declare are removed (route.h, trygg_routes_sync_store). trygg-server does
 * the same at every start. */
static int seed_destinations(ctl_ctx *ctx)
{
    char path[PATH_MAX];
    trygg_routes *r = NULL;
    struct stat sb;
    trygg_err err;
    if (trygg_path_join(path, sizeof path, ctx->datadir, "routing.ini") == TRYGG_OK &&
        stat(path, &sb) == 0) {
        trygg_cfg_error errs[8];
        int nerr = 0;
        err = trygg_routes_load(path, &r, errs, 8, &nerr);
        for (int i = 0; i < nerr && i < 8; i++)
            ctl_error("%s:%d: %s", errs[i].file, errs[i].line, errs[i].msg);
    } else {
        err = trygg_routes_default(&r);
    }
    if (err) {
        ctl_error("routing config: %s", trygg_strerror(err));
        return CTL_USAGE;
    }
    int removed = 0;
    err = trygg_routes_sync_store(r, ctx->st, &removed);
    trygg_routes_free(r);
    if (err) {
        ctl_error("cannot write recipients: %s", trygg_strerror(err));
        return CTL_STORE;
    }
    if (removed > 0)
        printf("%d recipient(s) not in the routing config removed\n", removed);
    return CTL_OK;
}

static int cmd_init(ctl_ctx *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        ctl_error("usage: tryggctl init");
        return CTL_USAGE;
    }
    if (mkdir_mode(ctx->datadir, 0750) || mkdir_mode(ctx->keydir, 0700))
        return CTL_STORE;
    char path[PATH_MAX];
    trygg_err err = trygg_path_join(path, sizeof path, ctx->keydir, "pseudonym.key");
    if (!err)
        err = trygg_key_create(path, TRYGG_PSEUDO_KEY_LEN);
    if (err) {
        ctl_error("cannot create %s: %s", path, trygg_strerror(err));
        return CTL_STORE;
    }
    /* number.key (0600, the gateway's key pair) and number.pub (0644, the
     * public half, all trygg-server reads). An existing number.pub without
     * number.key means the key pair was moved to the gateway: keep it so. */
    char pub[PATH_MAX];
    err = trygg_path_join(path, sizeof path, ctx->keydir, "number.key");
    if (!err)
        err = trygg_path_join(pub, sizeof pub, ctx->keydir, "number.pub");
    if (!err && (access(pub, F_OK) != 0 || access(path, F_OK) == 0)) {
        err = trygg_numkey_create(path);
        if (err) {
            ctl_error("cannot create %s: %s", path, trygg_strerror(err));
            return CTL_STORE;
        }
        err = trygg_numkey_write_pub(path, pub);
        if (err) {
            ctl_error("cannot write %s from %s: %s", pub, path, trygg_strerror(err));
            return CTL_STORE;
        }
    }
    if (err) {
        ctl_error("cannot create the number key in %s: %s", ctx->keydir, trygg_strerror(err));
        return CTL_STORE;
    }
    int rc = ctl_open_store(ctx, 1);
    if (rc)
        return rc;
    if ((rc = seed_destinations(ctx)) != CTL_OK)
        return rc;
    printf("database %s (schema %d)\nkeys %s\n", trygg_store_label(ctx->dbpath),
           trygg_store_schema_version(ctx->st), ctx->keydir);
    return CTL_OK;
}
CTL_COMMAND(init, "init", "  init                      create the database and keys (idempotent)",
            cmd_init)

/* ---- user -------------------------------------------------------------------- */

/* A random password people can type: 20 URL-safe base64 characters
 * (120 bits). */
static int random_password(char out[64])
{
    if (trygg_token_new(out) != TRYGG_OK)
        return -1;
    out[20] = '\0';
    return 0;
}

static int user_add(ctl_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"role", required_argument, NULL, 'r'},
                                         {"destination", required_argument, NULL, 'D'},
                                         {"display", required_argument, NULL, 'n'},
                                         {"can-call-back", no_argument, NULL, 'c'},
                                         {"random-password", no_argument, NULL, 'R'},
                                         {"password-stdin", no_argument, NULL, 'S'},
                                         {NULL, 0, NULL, 0}};
    trygg_user u;
    memset(&u, 0, sizeof u);
    int random = 0, from_stdin = 0, c;
    const char *role = NULL, *dest = "", *display = "";
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            role = optarg;
            break;
        case 'D':
            dest = optarg;
            break;
        case 'n':
            display = optarg;
            break;
        case 'c':
            u.can_call_back = 1;
            break;
        case 'R':
            random = 1;
            break;
        case 'S':
            from_stdin = 1;
            break;
        default:
            return CTL_USAGE;
        }
    }
    if (optind != argc - 1 || !role || random == from_stdin) {
        ctl_error("usage: tryggctl user add NAME --role admin|security|destination "
                  "[--destination D] [--display TEXT] [--can-call-back] "
                  "(--random-password | --password-stdin)");
        return CTL_USAGE;
    }
    if (trygg_strset(u.username, sizeof u.username, argv[optind]) ||
        trygg_strset(u.role, sizeof u.role, role) ||
        trygg_strset(u.destination, sizeof u.destination, dest) ||
        trygg_strset(u.display, sizeof u.display, display)) {
        ctl_error("name, role, destination or display text too long or not UTF-8");
        return CTL_USAGE;
    }
    char password[1024];
    if (random) {
        if (random_password(password)) {
            ctl_error("cannot make a random password");
            return CTL_STORE;
        }
    } else if (ctl_read_password(password, sizeof password)) {
        ctl_error("cannot read the password from stdin (one line, at most 1000 bytes)");
        return CTL_USAGE;
    }
    if (strcmp(u.role, "destination") != 0 && u.destination[0]) {
        ctl_error("--destination is only for --role destination");
        return CTL_USAGE;
    }
    int rc = ctl_open_store(ctx, 0);
    if (rc)
        return rc;
    trygg_destination d;
    if (strcmp(u.role, "destination") == 0 && u.destination[0] &&
        trygg_store_dest_get(ctx->st, u.destination, &d) != TRYGG_OK) {
        ctl_error("unknown recipient '%s': declare it as [destination %s] in the routing config "
                  "and run tryggctl "
                  "init",
                  u.destination, u.destination);
        return CTL_USAGE;
    }
    trygg_err err = trygg_store_user_add(ctx->st, &u, password);
    if (err)
        return ctl_store_fail(ctx, err, "user add");
    if (random)
        printf("%s\n", password);
    return CTL_OK;
}

static int user_list(ctl_ctx *ctx)
{
    int rc = ctl_open_store(ctx, 0);
    if (rc)
        return rc;
    enum { MAX = 1000 };
    static trygg_user users[MAX];
    int n;
    trygg_err err = trygg_store_user_list(ctx->st, users, MAX, &n);
    if (err)
        return ctl_store_fail(ctx, err, "user list");
    printf("%-20s %-12s %-14s %-9s %s\n", "USER", "ROLE", "DESTINATION", "STATE", "DISPLAY");
    for (int i = 0; i < n; i++)
        printf("%-20s %-12s %-14s %-9s %s%s\n", users[i].username, users[i].role,
               users[i].destination[0] ? users[i].destination : "-",
               users[i].disabled ? "disabled" : "active", users[i].display,
               users[i].can_call_back ? " [call-back]" : "");
    return CTL_OK;
}

static int user_simple(ctl_ctx *ctx, int argc, char **argv)
{
    const char *action = argv[0];
    int from_stdin = 0;
    if (strcmp(action, "passwd") == 0 && argc == 3 && strcmp(argv[2], "--password-stdin") == 0) {
        from_stdin = 1;
        argc = 2;
    }
    if (argc != 2) {
        ctl_error("usage: tryggctl user %s NAME%s", action,
                  strcmp(action, "passwd") == 0 ? " [--password-stdin]" : "");
        return CTL_USAGE;
    }
    int rc = ctl_open_store(ctx, 0);
    if (rc)
        return rc;
    const char *name = argv[1];
    trygg_err err;
    if (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0) {
        err = trygg_store_user_set_disabled(ctx->st, name, strcmp(action, "disable") == 0);
        if (err)
            return ctl_store_fail(ctx, err, "user");
        return CTL_OK;
    }
    char password[1024];
    if (from_stdin ? ctl_read_password(password, sizeof password) : random_password(password)) {
        ctl_error("cannot get a new password");
        return CTL_USAGE;
    }
    err = trygg_store_user_set_password(ctx->st, name, password);
    if (err)
        return ctl_store_fail(ctx, err, "user passwd");
    if (!from_stdin)
        printf("%s\n", password);
    return CTL_OK;
}

/* user reset-2fa NAME: two-factor login off (audited); the user enrols
 * again at the next login. user begin-2fa NAME: a new pending secret for a
 * user without 2FA, printed as base32 and as an otpauth:// URI (the
 * enrolment page shows the same secret), for setting up the app ahead. */
static int user_2fa(ctl_ctx *ctx, int argc, char **argv)
{
    if (argc != 2) {
        ctl_error("usage: tryggctl user %s NAME", argv[0]);
        return CTL_USAGE;
    }
    int rc = ctl_open_store(ctx, 0);
    if (rc)
        return rc;
    const char *name = argv[1];
    if (strcmp(argv[0], "reset-2fa") == 0) {
        trygg_err err = trygg_store_user_totp_reset(ctx->st, name, "tryggctl");
        if (err)
            return ctl_store_fail(ctx, err, "user reset-2fa");
        printf("two-factor login of %s reset: a new enrolment at the next login\n", name);
        return CTL_OK;
    }
    char secret[TRYGG_TOTP_SECRET_LEN];
    trygg_err err = trygg_store_user_totp_begin(ctx->st, name, NULL, secret);
    if (err)
        return ctl_store_fail(ctx, err, "user begin-2fa (user unknown or 2FA already on?)");
    printf("%s\notpauth://totp/Trygg:%s?secret=%s&issuer=Trygg&algorithm=SHA1&digits=6&period=30\n",
           secret, name, secret);
    return CTL_OK;
}

static int cmd_user(ctl_ctx *ctx, int argc, char **argv)
{
    if (argc < 2) {
        ctl_error("usage: tryggctl user add|list|disable|enable|passwd|reset-2fa|begin-2fa ...");
        return CTL_USAGE;
    }
    const char *action = argv[1];
    if (strcmp(action, "add") == 0)
        return user_add(ctx, argc - 1, argv + 1);
    if (strcmp(action, "list") == 0 && argc == 2)
        return user_list(ctx);
    if (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0 ||
        strcmp(action, "passwd") == 0)
        return user_simple(ctx, argc - 1, argv + 1);
    if (strcmp(action, "reset-2fa") == 0 || strcmp(action, "begin-2fa") == 0)
        return user_2fa(ctx, argc - 1, argv + 1);
    ctl_error("unknown or malformed user command '%s'", action);
    return CTL_USAGE;
}
CTL_COMMAND(user, "user",
            "  user add NAME --role admin|security|destination [--destination D]\n"
            "           [--display TEXT] [--can-call-back] (--random-password | --password-stdin)\n"
            "                            add a staff user; --random-password prints it\n"
            "  user list\n"
            "  user disable NAME | user enable NAME\n"
            "  user passwd NAME [--password-stdin]   new password (random one is printed)\n"
            "  user reset-2fa NAME       turn two-factor login off (enrol again at next login)\n"
            "  user begin-2fa NAME       print a new two-factor secret (base32, otpauth:// URI)",
            cmd_user)

/* ---- kiosk --------------------------------------------------------------------- */

static int kiosk_add(ctl_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
                                         {"area", required_argument, NULL, 'a'},
                                         {NULL, 0, NULL, 0}};
    const char *name = NULL, *area = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            name = optarg;
            break;
        case 'a':
            area = optarg;
            break;
        default:
            return CTL_USAGE;
        }
    }
    if (optind != argc - 1 || !name || !area) {
        ctl_error("usage: tryggctl kiosk add ID --name TEXT --area AREA");
        return CTL_USAGE;
    }
    trygg_kiosk k;
    memset(&k, 0, sizeof k);
    if (trygg_strset(k.id, sizeof k.id, argv[optind]) ||
        trygg_strset(k.name, sizeof k.name, name) || trygg_strset(k.area, sizeof k.area, area)) {
        ctl_error("id, name or area too long or not UTF-8");
        return CTL_USAGE;
    }
    int rc = ctl_open_store(ctx, 0);
    if (rc)
        return rc;
    char token[64];
    trygg_err err = trygg_store_kiosk_add(ctx->st, &k, token);
    if (err)
        return ctl_store_fail(ctx, err, "kiosk add");
    printf("%s\n", token);
    /* stdout stays the token alone (scripts read it); the prefix goes to
     * the installer on stderr, for kiosk.ini (docs/kiosk.md). */
    trygg_kiosk made;
    if (trygg_store_kiosk_get(ctx->st, k.id, &made) == TRYGG_OK)
        fprintf(stderr, "kiosk.ini: ref_prefix = %s\n", made.ref_prefix);
    return CTL_OK;
}

static int kiosk_list(ctl_ctx *ctx)
{
    int rc = ctl_open_store(ctx, 0);
    if (rc)
        return rc;
    enum { MAX = 1000 };
    static trygg_kiosk ks[MAX];
    int n;
    trygg_err err = trygg_store_kiosk_list(ctx->st, ks, MAX, &n);
    if (err)
        return ctl_store_fail(ctx, err, "kiosk list");
    printf("%-16s %-14s %-8s %-16s %-8s %-6s %-6s %s\n", "ID", "AREA", "STATE", "LAST SEEN",
           "VERSION", "OUTBOX", "PREFIX", "NAME");
    for (int i = 0; i < n; i++) {
        char t[32];
        printf("%-16s %-14s %-8s %-16s %-8s %-6d %-6s %s\n", ks[i].id, ks[i].area,
               ks[i].revoked ? "revoked" : "active", ctl_time(ks[i].last_seen, t),
               ks[i].version[0] ? ks[i].version : "-", ks[i].outbox_depth,
               ks[i].ref_prefix[0] ? ks[i].ref_prefix : "-", ks[i].name);
    }
    return CTL_OK;
}

static int cmd_kiosk(ctl_ctx *ctx, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "add") == 0)
        return kiosk_add(ctx, argc - 1, argv + 1);
    if (argc == 2 && strcmp(argv[1], "list") == 0)
        return kiosk_list(ctx);
    if (argc == 3 && strcmp(argv[1], "revoke") == 0) {
        int rc = ctl_open_store(ctx, 0);
        if (rc)
            return rc;
        trygg_err err = trygg_store_kiosk_revoke(ctx->st, argv[2]);
        if (err)
            return ctl_store_fail(ctx, err, "kiosk revoke");
        return CTL_OK;
    }
    ctl_error("usage: tryggctl kiosk add ID --name TEXT --area AREA | kiosk list | "
              "kiosk revoke ID");
    return CTL_USAGE;
}
CTL_COMMAND(kiosk, "kiosk",
            "  kiosk add ID --name TEXT --area AREA   add a kiosk; prints its token once (and its\n"
            "                                         reference prefix on stderr)\n"
            "  kiosk list\n"
            "  kiosk revoke ID",
            cmd_kiosk)

/* ---- gateway (trygg-smsgw as a client of the server) -------------------------- */

/* tryggctl gateway add ID [--name TEXT]: registered like a kiosk (a token
 * and a reference prefix for the references it issues while the server is
 * unreachable), with the role 'gateway' (docs/gateway-protocol.md). */
static int gateway_add(ctl_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"name", required_argument, NULL, 'n'},
                                         {NULL, 0, NULL, 0}};
    const char *name = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'n')
            return CTL_USAGE;
        name = optarg;
    }
    if (optind != argc - 1) {
        ctl_error("usage: tryggctl gateway add ID [--name TEXT]");
        return CTL_USAGE;
    }
    trygg_kiosk k;
    memset(&k, 0, sizeof k);
    if (trygg_strset(k.id, sizeof k.id, argv[optind]) ||
        trygg_strset(k.name, sizeof k.name, name ? name : "SMS gateway")) {
        ctl_error("id or name too long or not UTF-8");
        return CTL_USAGE;
    }
    int rc = ctl_open_store(ctx, 0);
    if (rc)
        return rc;
    char token[64];
    trygg_err err = trygg_store_begin(ctx->st);
    if (!err)
        err = trygg_store_kiosk_add(ctx->st, &k, token);
    if (!err)
        err = trygg_store_client_role_set(ctx->st, k.id, TRYGG_ROLE_GATEWAY);
    if (!err)
        err = trygg_store_commit(ctx->st);
    else
        trygg_store_rollback(ctx->st);
    if (err)
        return ctl_store_fail(ctx, err, "gateway add");
    printf("%s\n", token);
    /* stdout stays the token alone (scripts read it; smsgw.ini token_file). */
    trygg_kiosk made;
    if (trygg_store_kiosk_get(ctx->st, k.id, &made) == TRYGG_OK)
        fprintf(stderr, "gateway %s: ref_prefix = %s\n", k.id, made.ref_prefix);
    return CTL_OK;
}

static int cmd_gateway(ctl_ctx *ctx, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "add") == 0)
        return gateway_add(ctx, argc - 1, argv + 1);
    ctl_error("usage: tryggctl gateway add ID [--name TEXT]   (list and revoke: tryggctl kiosk)");
    return CTL_USAGE;
}
CTL_COMMAND(gateway, "gateway",
            "  gateway add ID [--name TEXT]           add an SMS gateway; prints its token once\n"
            "                                         (and its reference prefix on stderr)",
            cmd_gateway)
