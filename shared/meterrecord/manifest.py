# meterrecord: the collector's CBOR record schema (shared with the host's ingest).
metadata(description="fordel meter record schema (CBOR)", version="1")

package("meterrecord", base_path="..", opt=3)
