/* Raw-socket D-Bus peer used to measure the dbus-daemon round-trip floor (no D-Bus library: the least client
 * and service cost possible). Little-endian hosts only; unix:path= addresses only.
 *   dbusfloor serve ADDRESS NAME                    Echo(s) service: replies to every method call with its string
 *   dbusfloor call ADDRESS DEST PATH IFACE N [K]    N Echo("ping") calls, K in flight (default 1); prints calls/s
 *                                                   and the process's CPU microseconds per call
 * Build: gcc -O2 -o dbusfloor dbusfloor.c (the benchmark harness does this itself when gcc is installed).
 * Calls are written back to back (pipelined: every reply already read is answered by new calls in one write),
 * the service answers every complete call it has read with one write. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int fd;
static uint32_t serial;
static unsigned char rbuf[1 << 20];
static size_t rstart, rend;

static void die(const char *m) { fprintf(stderr, "dbusfloor: %s\n", m); exit(1); }

static void write_all(const void *p, size_t n) {
    const char *c = p;
    while (n) { ssize_t w = write(fd, c, n); if (w <= 0) die("write"); c += w; n -= (size_t)w; }
}

typedef struct { unsigned char b[4096]; size_t n; } buf_t;
static void pad(buf_t *m, size_t a) { while (m->n % a) m->b[m->n++] = 0; }
static void u8(buf_t *m, uint8_t v) { m->b[m->n++] = v; }
static void u32(buf_t *m, uint32_t v) { pad(m, 4); memcpy(m->b + m->n, &v, 4); m->n += 4; }
static void str(buf_t *m, const char *s, size_t len) { if (m->n + len + 16 > sizeof m->b) die("message too large"); u32(m, (uint32_t)len); memcpy(m->b + m->n, s, len); m->n += len; m->b[m->n++] = 0; }
static void sig(buf_t *m, const char *s) { size_t l = strlen(s); u8(m, (uint8_t)l); memcpy(m->b + m->n, s, l + 1); m->n += l + 1; }
static void field_s(buf_t *m, uint8_t code, char t, const char *s, size_t len) {
    char ts[2] = { t, 0 }; pad(m, 8); u8(m, code); sig(m, ts); str(m, s, len);
}

/* Header fields of METHOD_CALL (type 1) or METHOD_RETURN (type 2); body: one string (or none). Serial at offset 8. */
static void build(buf_t *m, int type, const char *dest, size_t destlen, const char *path, const char *iface,
                  const char *member, uint32_t reply_serial, const char *body, size_t bodylen) {
    m->n = 0;
    u8(m, 'l'); u8(m, (uint8_t)type); u8(m, type == 2 ? 1 : 0); u8(m, 1);
    u32(m, 0); u32(m, 0); u32(m, 0);
    if (path) field_s(m, 1, 'o', path, strlen(path));
    if (iface) field_s(m, 2, 's', iface, strlen(iface));
    if (member) field_s(m, 3, 's', member, strlen(member));
    if (reply_serial) { pad(m, 8); u8(m, 5); sig(m, "u"); u32(m, reply_serial); }
    if (dest) field_s(m, 6, 's', dest, destlen);
    if (body) { pad(m, 8); u8(m, 8); sig(m, "g"); sig(m, "s"); }
    uint32_t fields = (uint32_t)(m->n - 16);
    memcpy(m->b + 12, &fields, 4);
    pad(m, 8);
    size_t bodystart = m->n;
    if (body) str(m, body, bodylen);
    uint32_t bl = (uint32_t)(m->n - bodystart);
    memcpy(m->b + 4, &bl, 4);
}
static void stamp(buf_t *m) { uint32_t s = ++serial; memcpy(m->b + 8, &s, 4); }

/* Next complete message in rbuf (reading more when needed): returns its start, sets *len. */
static unsigned char *next_message(size_t *len) {
    for (;;) {
        if (rend - rstart >= 16) {
            unsigned char *h = rbuf + rstart;
            if (h[0] != 'l') die("big-endian message");
            uint32_t bl, fl; memcpy(&bl, h + 4, 4); memcpy(&fl, h + 12, 4);
            size_t total = ((16 + fl + 7) & ~(size_t)7) + bl;
            if (total > sizeof rbuf) die("message too large");
            if (rend - rstart >= total) { rstart += total; *len = total; return h; }
        }
        if (rstart == rend) rstart = rend = 0;
        else if (rend == sizeof rbuf || rstart > sizeof rbuf / 2) { memmove(rbuf, rbuf + rstart, rend - rstart); rend -= rstart; rstart = 0; }
        ssize_t r = read(fd, rbuf + rend, sizeof rbuf - rend);
        if (r <= 0) die("read");
        rend += (size_t)r;
    }
}

static int have_complete(void) {
    if (rend - rstart < 16) return 0;
    uint32_t bl, fl; memcpy(&bl, rbuf + rstart + 4, 4); memcpy(&fl, rbuf + rstart + 12, 4);
    return rend - rstart >= ((16 + fl + 7) & ~(size_t)7) + bl;
}

typedef struct { uint32_t serial, reply_serial; const char *sender, *member, *body; uint32_t senderlen, bodylen; } hdr_t;
static void parse(unsigned char *h, hdr_t *o) {
    memset(o, 0, sizeof *o);
    uint32_t fl; memcpy(&o->serial, h + 8, 4); memcpy(&fl, h + 12, 4);
    size_t p = 16, end = 16 + fl, sigoff = 0;
    while (p < end) {
        p = (p + 7) & ~(size_t)7;
        uint8_t code = h[p++]; uint8_t sl = h[p++]; char t = (char)h[p]; p += sl + 1u;
        if (t == 's' || t == 'o') {
            p = (p + 3) & ~(size_t)3; uint32_t l; memcpy(&l, h + p, 4); p += 4;
            if (code == 7) { o->sender = (const char *)h + p; o->senderlen = l; }
            if (code == 3) o->member = (const char *)h + p;
            p += l + 1;
        } else if (t == 'u') {
            p = (p + 3) & ~(size_t)3; uint32_t v; memcpy(&v, h + p, 4); p += 4;
            if (code == 5) o->reply_serial = v;
        } else if (t == 'g') {
            if (code == 8) sigoff = p;
            p += h[p] + 2u;
        } else die("unexpected header field type");
    }
    size_t body = (end + 7) & ~(size_t)7;
    if (sigoff && h[sigoff] >= 1 && h[sigoff + 1] == 's') {
        memcpy(&o->bodylen, h + body, 4); o->body = (const char *)h + body + 4;
    }
}

static void connect_bus(const char *address) {
    const char *p = strstr(address, "unix:path=");
    if (!p) die("only unix:path= addresses");
    p += 10;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    size_t l = strcspn(p, ",;");
    if (l >= sizeof sa.sun_path) die("path too long");
    memcpy(sa.sun_path, p, l);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) die("connect");
    char uid[32], hex[64], line[256];
    snprintf(uid, sizeof uid, "%u", (unsigned)getuid());
    for (size_t i = 0; uid[i]; i++) sprintf(hex + 2 * i, "%02x", (unsigned char)uid[i]);
    int n = snprintf(line, sizeof line, "%cAUTH EXTERNAL %s\r\n", 0, hex);
    write_all(line, (size_t)n);
    ssize_t r = read(fd, line, sizeof line - 1);
    if (r < 2 || strncmp(line, "OK ", 3) != 0) die("auth failed");
    write_all("BEGIN\r\n", 7);
    buf_t m;
    build(&m, 1, "org.freedesktop.DBus", 20, "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello", 0, NULL, 0);
    stamp(&m); write_all(m.b, m.n);
    for (;;) { size_t len; hdr_t h; parse(next_message(&len), &h); if (h.reply_serial == serial) break; }
}

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return (double)t.tv_sec + t.tv_nsec / 1e9; }
static double cpu_now(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return (double)t.tv_sec + t.tv_nsec / 1e9; }

static void serve(const char *name) {
    buf_t m = { .n = 0 };
    /* RequestName(name, DO_NOT_QUEUE = 4): signature "su" */
    u8(&m, 'l'); u8(&m, 1); u8(&m, 0); u8(&m, 1); u32(&m, 0); u32(&m, 0); u32(&m, 0);
    field_s(&m, 1, 'o', "/org/freedesktop/DBus", 21); field_s(&m, 2, 's', "org.freedesktop.DBus", 20);
    field_s(&m, 3, 's', "RequestName", 11); field_s(&m, 6, 's', "org.freedesktop.DBus", 20);
    pad(&m, 8); u8(&m, 8); sig(&m, "g"); sig(&m, "su");
    uint32_t fields = (uint32_t)(m.n - 16); memcpy(m.b + 12, &fields, 4); pad(&m, 8);
    size_t bs = m.n; str(&m, name, strlen(name)); u32(&m, 4); uint32_t bl = (uint32_t)(m.n - bs); memcpy(m.b + 4, &bl, 4);
    stamp(&m); write_all(m.b, m.n);
    for (;;) { size_t len; hdr_t h; parse(next_message(&len), &h); if (h.reply_serial == serial) break; }
    printf("ready\n"); fflush(stdout);
    static unsigned char out[1 << 20];
    for (;;) {
        size_t len, o = 0; hdr_t h;
        unsigned char *msg = next_message(&len);
        do { /* answer every complete message already read, then write the replies at once */
            if (msg[1] == 1) {
                parse(msg, &h);
                build(&m, 2, h.sender, h.senderlen, NULL, NULL, NULL, h.serial, h.body ? h.body : "", h.body ? h.bodylen : 0);
                stamp(&m);
                if (o + m.n > sizeof out) { write_all(out, o); o = 0; }
                memcpy(out + o, m.b, m.n); o += m.n;
            }
            if (!have_complete()) break;
            msg = next_message(&len);
        } while (1);
        write_all(out, o);
    }
}

static void call(const char *dest, const char *path, const char *iface, long n, long k) {
    buf_t m;
    build(&m, 1, dest, strlen(dest), path, iface, "Echo", 0, "ping", 4);
    long warm = n < 1000 ? n : 1000;
    for (int pass = 0; pass < 2; pass++) {
        long total = pass == 0 ? warm : n, sent = 0, done = 0;
        double t0 = now(), c0 = cpu_now();
        static unsigned char out[1 << 16];
        size_t o = 0;
        for (; sent < k && sent < total; sent++) { stamp(&m); memcpy(out + o, m.b, m.n); o += m.n; }
        write_all(out, o);
        while (done < total) {
            /* take every reply already read, then send as many new calls in one write */
            o = 0;
            do {
                size_t len; unsigned char *msg = next_message(&len);
                if (msg[1] == 3) die("error reply");
                if (msg[1] != 2) continue;
                done++;
                if (sent < total) { stamp(&m); memcpy(out + o, m.b, m.n); o += m.n; sent++; }
            } while (have_complete() && o + m.n <= sizeof out);
            if (o) write_all(out, o);
        }
        if (pass == 1) printf("%.1f %.2f\n", n / (now() - t0), (cpu_now() - c0) * 1e6 / n);
    }
}

int main(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[1], "serve") == 0) { connect_bus(argv[2]); serve(argv[3]); }
    else if (argc >= 7 && strcmp(argv[1], "call") == 0) {
        connect_bus(argv[2]);
        call(argv[3], argv[4], argv[5], atol(argv[6]), argc > 7 ? atol(argv[7]) : 1);
    } else { fprintf(stderr, "usage: dbusfloor serve ADDRESS NAME | call ADDRESS DEST PATH IFACE N [IN_FLIGHT]\n"); return 2; }
    return 0;
}
