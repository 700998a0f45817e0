/* act.h - what actions.c and settle.c share; private to imap/. */
#ifndef NDRSWEEP_ACT_H
#define NDRSWEEP_ACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct imap_conn;
struct mailimap_set;
struct store;
struct imap_reconcile_stats;

int	 act_cmp_u32(const void *, const void *);
/* What the server said to the last command, or why none was heard. */
const char *act_why(struct imap_conn *);
/* The UIDs of uids (sorted) the selected folder still holds, sorted. */
int	 act_present(struct imap_conn *, const uint32_t *uids, size_t n,
	    uint32_t **out, size_t *nout);
bool	 act_has(const uint32_t *v, size_t n, uint32_t u);
/* Open a folder to change it; its UIDVALIDITY in *uv. */
int	 act_select(struct imap_conn *, const char *name, uint32_t *uv,
	    char *err, size_t errlen);
/* UID STORE set +FLAGS.SILENT (\Deleted) */
int	 act_flag_deleted(struct imap_conn *, struct mailimap_set *);
/* Settle the pending rows of one journal batch (settle.c). */
int	 settle_batch(struct imap_conn *, struct store *, int64_t batch,
	    struct imap_reconcile_stats *, char *err, size_t errlen);

#endif
