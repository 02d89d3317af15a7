/* junk.c - throw bad input at a running node for tests/system/runtime_test.sh:
 * empty and oversized transactions on its submission socket (PUSH), then a
 * stream of garbage frames and a forged-looking handshake on its peer
 * socket (DEALER). A healthy node drops and counts all of it and keeps
 * finalizing. Usage: junk SUBMIT_ENDPOINT PEER_ENDPOINT
 * With "flood N PEER_ENDPOINT": N two-byte frames 01 01 (a HELLO_I header
 * with no body) on the peer socket, each one a refused handshake the node
 * may log; the node must hold the lines back (issue 16: 40 KB of them once
 * wrote 2.88 MB of log). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

static int flood(long n, const char *peer)
{
    void *ctx = zmq_ctx_new();
    void *dealer = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 5000;
    zmq_setsockopt(dealer, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(dealer, peer) != 0) {
        fprintf(stderr, "junk: connect: %s\n", zmq_strerror(zmq_errno()));
        return 1;
    }
    static const uint8_t hello[2] = {1, 1};
    long sent = 0;
    for (long i = 0; i < n; i++)
        sent += zmq_send(dealer, hello, sizeof hello, 0) == (int)sizeof hello;
    sleep(1);
    zmq_close(dealer);
    zmq_ctx_term(ctx);
    printf("junk: %ld frames sent\n", sent);
    return sent == n ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "flood"))
        return flood(atol(argv[2]), argv[3]);
    if (argc != 3) {
        fprintf(stderr, "usage: junk SUBMIT_ENDPOINT PEER_ENDPOINT\n");
        return 2;
    }
    void *ctx = zmq_ctx_new();
    void *push = zmq_socket(ctx, ZMQ_PUSH);
    void *dealer = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 2000;
    zmq_setsockopt(push, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(dealer, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(push, argv[1]) != 0 || zmq_connect(dealer, argv[2]) != 0) {
        fprintf(stderr, "junk: connect: %s\n", zmq_strerror(zmq_errno()));
        return 1;
    }
    static uint8_t big[8192];
    memset(big, 0xAB, sizeof big);
    int sent = 0;
    for (int i = 0; i < 50; i++) {
        sent += zmq_send(push, big, 0, 0) == 0;           /* empty transaction */
        sent += zmq_send(push, big, 5000, 0) == 5000;     /* over LUXC_TX_MAX */
        sent += zmq_send(push, "ok-tx", 5, 0) == 5;       /* a valid one */
    }
    uint8_t frame[64];
    for (int i = 0; i < 50; i++) {
        for (size_t j = 0; j < sizeof frame; j++)
            frame[j] = (uint8_t)(i * 31 + j * 7);
        frame[0] = (uint8_t)(i % 3 == 0 ? 1 : 16); /* version 1: HELLO_I or DATA */
        frame[1] = (uint8_t)(i % 2 ? 1 : 16);
        sent += zmq_send(dealer, frame, (size_t)(1 + i), 0) == 1 + i;
    }
    /* a HELLO_I with the right size but a garbage key share and identity */
    static uint8_t hello[6 + 32 + 1216 + 1984];
    memset(hello, 0x5A, sizeof hello);
    hello[0] = 1;
    hello[1] = 1;
    uint32_t body = (uint32_t)(sizeof hello - 6);
    hello[2] = (uint8_t)(body >> 24);
    hello[3] = (uint8_t)(body >> 16);
    hello[4] = (uint8_t)(body >> 8);
    hello[5] = (uint8_t)body;
    sent += zmq_send(dealer, hello, sizeof hello, 0) == (int)sizeof hello;
    sleep(1);
    zmq_close(push);
    zmq_close(dealer);
    zmq_ctx_term(ctx);
    printf("junk: %d messages sent\n", sent);
    return 0;
}
