/* write every sample packet of vectors.h into a pcap (raw IP link type),
 * control messages as UDP 61000 -> 4342, data packets as UDP 61001 ->
 * 4341, outer 198.51.100.1 -> 198.51.100.2, for tests/unit/tshark_check.sh.
 *
 *	test_pcapgen out.pcap	write the file, print "number name
 *				control|data length" per frame
 *	test_pcapgen		self-test: write to a temporary file, read it
 *				back with libpcap and compare every frame */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "addr.h"
#include "msg.h"
#include "vectors.h"

#define FRAME_MAX	2048

/* outer IPv4 + UDP around a payload; returns the frame length or 0 */
static size_t
frame_build(uint8_t *f, size_t cap, uint16_t sport, uint16_t dport,
    const uint8_t *payload, size_t n)
{
	static const uint8_t s4[4] = { 198, 51, 100, 1 }, d4[4] = { 198, 51, 100, 2 };
	struct lisp_addr s, d;
	uint16_t ck;

	if (n + 28 > cap)
		return 0;
	addr_set_v4(&s, s4);
	addr_set_v4(&d, d4);
	memset(f, 0, 28);
	f[0] = 0x45;
	put_u16(f + 2, (uint16_t)(28 + n));
	f[8] = 64;
	f[9] = 17;
	memcpy(f + 12, s4, 4);
	memcpy(f + 16, d4, 4);
	put_u16(f + 10, inet_cksum(f, 20, 0));
	put_u16(f + 20, sport);
	put_u16(f + 22, dport);
	put_u16(f + 24, (uint16_t)(8 + n));
	memcpy(f + 28, payload, n);
	ck = udp_cksum(&s, &d, f + 20, 8 + n);
	put_u16(f + 26, ck == 0 ? 0xffff : ck);
	return 28 + n;
}

/* frame i of all samples (control first, then data); 0 at the end */
static size_t
frame_nth(size_t i, uint8_t *f, size_t cap, const char **name, int *isdata)
{
	const size_t nc = sizeof(test_vectors) / sizeof(test_vectors[0]);
	const size_t nd = sizeof(test_data_vectors) / sizeof(test_data_vectors[0]);
	const struct test_vector *tv;
	uint8_t payload[FRAME_MAX];
	size_t n;
	int data;

	if (i < nc) {
		tv = &test_vectors[i];
		data = 0;
	} else if (i < nc + nd) {
		tv = &test_data_vectors[i - nc];
		data = 1;
	} else
		return 0;
	*name = tv->name;
	*isdata = data;
	if ((n = tv->build(payload, sizeof(payload))) == 0)
		return 0;
	return frame_build(f, cap, data ? 61001 : 61000,
	    data ? LISP_DATA_PORT : LISP_CONTROL_PORT, payload, n);
}

static int
pcap_write(const char *path, int verbose)
{
	pcap_t *p;
	pcap_dumper_t *d;
	struct pcap_pkthdr h;
	uint8_t f[FRAME_MAX];
	const char *name;
	size_t i, n;
	int data;

	if ((p = pcap_open_dead(DLT_RAW, 65535)) == NULL)
		return -1;
	if ((d = pcap_dump_open(p, path)) == NULL) {
		fprintf(stderr, "%s: %s\n", path, pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	for (i = 0; (n = frame_nth(i, f, sizeof(f), &name, &data)) > 0; i++) {
		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = 1700000000 + (time_t)i;
		h.caplen = h.len = (bpf_u_int32)n;
		pcap_dump((u_char *)d, &h, f);
		if (verbose)
			printf("%zu\t%s\t%s\t%zu\n", i + 1, name,
			    data ? "data" : "control", n);
	}
	pcap_dump_close(d);
	pcap_close(p);
	return (int)i;
}

static int
self_test(void)
{
	char path[] = "/tmp/locid-pcapgen-XXXXXX";
	char err[PCAP_ERRBUF_SIZE];
	const size_t total = sizeof(test_vectors) / sizeof(test_vectors[0]) +
	    sizeof(test_data_vectors) / sizeof(test_data_vectors[0]);
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t f[FRAME_MAX];
	const char *name;
	pcap_t *p;
	size_t i = 0, n;
	int fd, wrote, r, bad = 0, isdata;

	if ((fd = mkstemp(path)) == -1)
		return 1;
	close(fd);
	wrote = pcap_write(path, 0);
	if (wrote < 0 || (size_t)wrote != total) {
		fprintf(stderr, "wrote %d frames, want %zu\n", wrote, total);
		unlink(path);
		return 1;
	}
	if ((p = pcap_open_offline(path, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		unlink(path);
		return 1;
	}
	if (pcap_datalink(p) != DLT_RAW)
		bad++;
	while ((r = pcap_next_ex(p, &h, &data)) == 1) {
		n = frame_nth(i, f, sizeof(f), &name, &isdata);
		if (n == 0 || h->caplen != n || memcmp(data, f, n) != 0 ||
		    inet_cksum(data, 20, 0) != 0) {
			fprintf(stderr, "frame %zu (%s) differs\n", i + 1, name);
			bad++;
		}
		i++;
	}
	pcap_close(p);
	unlink(path);
	if (i != total) {
		fprintf(stderr, "read %zu frames, want %zu\n", i, total);
		bad++;
	}
	printf("pcapgen self-test: %zu frames, %d bad\n", i, bad);
	return bad != 0;
}

int
main(int argc, char **argv)
{
	if (argc == 2)
		return pcap_write(argv[1], 1) < 0;
	if (argc != 1) {
		fprintf(stderr, "usage: test_pcapgen [out.pcap]\n");
		return 2;
	}
	return self_test();
}
