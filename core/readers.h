/* readers.h - the format readers, most reliable first (see report.c). */
READER(arf)
READER(mdn)
READER(rfc3464)
READER(rfc3834)
READER(generic)
