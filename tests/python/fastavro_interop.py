"""fastavro's side of the avro_tools test.

codecs                         print the block codecs fastavro can write and read here, one a line
read FILE                      print each record of a container file in Avro's JSON encoding
write SCHEMA JSONL OUT CODEC   write the records of JSONL (Avro's JSON encoding) to a container file
datum SCHEMA JSONL OUT         write the first record of JSONL as a schemaless datum
resolve FILE READER_SCHEMA     print each record of a container file read with another schema
logical SCHEMA DATUM           print a schemaless datum as fastavro's logical types read it:
                               dates and times in ISO 8601, UUIDs and decimals as text,
                               bytes in hex, numbers as numbers
"""
import datetime
import decimal
import io
import json
import sys
import uuid

import fastavro


def records_from_json(schema, path):
    with open(path) as f:
        return list(fastavro.json_reader(f, schema))


def shown(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {k: shown(v) for k, v in value.items()}
    return value


def main():
    command = sys.argv[1]
    if command == "codecs":
        # Asked of fastavro itself: snappy and zstandard need libraries of their own.
        schema = {"type": "record", "name": "R", "fields": [{"name": "a", "type": "long"}]}
        for codec in ["null", "deflate", "snappy", "zstandard"]:
            try:
                f = io.BytesIO()
                fastavro.writer(f, schema, [{"a": 1}], codec=codec)
                f.seek(0)
                assert list(fastavro.reader(f)) == [{"a": 1}]
            except Exception:
                continue
            print(codec)
    elif command == "read":
        with open(sys.argv[2], "rb") as f:
            reader = fastavro.reader(f)
            schema = reader.writer_schema
            records = list(reader)
        out = io.StringIO()
        fastavro.json_writer(out, schema, records)
        sys.stdout.write(out.getvalue())
    elif command == "resolve":
        with open(sys.argv[3]) as f:
            reader_schema = fastavro.parse_schema(json.load(f))
        with open(sys.argv[2], "rb") as f:
            records = list(fastavro.reader(f, reader_schema=reader_schema))
        out = io.StringIO()
        fastavro.json_writer(out, reader_schema, records)
        sys.stdout.write(out.getvalue())
    elif command == "write":
        with open(sys.argv[2]) as f:
            schema = fastavro.parse_schema(json.load(f))
        records = records_from_json(schema, sys.argv[3])
        with open(sys.argv[4], "wb") as f:
            fastavro.writer(f, schema, records, codec=sys.argv[5])
    elif command == "datum":
        with open(sys.argv[2]) as f:
            schema = fastavro.parse_schema(json.load(f))
        records = records_from_json(schema, sys.argv[3])
        with open(sys.argv[4], "wb") as f:
            fastavro.schemaless_writer(f, schema, records[0])
    elif command == "logical":
        with open(sys.argv[2]) as f:
            schema = fastavro.parse_schema(json.load(f))
        with open(sys.argv[3], "rb") as f:
            datum = fastavro.schemaless_reader(f, schema)
        sys.stdout.write(json.dumps(shown(datum)))
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
