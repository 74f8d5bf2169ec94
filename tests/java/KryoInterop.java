// Writes records with real Kryo 2.20 (Debian's libkryo-java) and prints them in hex, one
// `case hex` line each, for typeinfo's kryo interop test (tests/tests/kryo_interop.rs),
// which builds the same records in Rust and compares bytes both ways.
//
// The classes are top-level, so their Java names equal the Rust type names and records
// written by name compare too.

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;

class Venue {
    public String code;
    public int id;
}

class Trade {
    public int id;
    public long seq;
    public double price;
    public String symbol;
    public Venue venue;
    public String[] tags;
    public long[] quantities;
    public Integer note;
    public boolean flag;
    public float ratio;
    public short small;
    public byte tiny;
}

public class KryoInterop {
    static Kryo kryo(boolean references, boolean register) {
        Kryo kryo = new Kryo();
        kryo.setReferences(references);
        if (register) {
            kryo.register(Trade.class, 10);
            kryo.register(Venue.class, 11);
        }
        return kryo;
    }

    // Literals are interned: the repeated "XNAS" is one object, so Kryo's references find it.
    static Trade full() {
        Trade t = new Trade();
        t.id = -7;
        t.seq = 1234567890123L;
        t.price = 101.25;
        t.symbol = "XNAS";
        t.venue = new Venue();
        t.venue.code = "XNAS";
        t.venue.id = 3;
        t.tags = new String[] {"XNAS", "é", "a", ""};
        t.quantities = new long[] {1, -1, 300, Long.MIN_VALUE};
        t.note = 42;
        t.flag = true;
        t.ratio = 0.5f;
        t.small = -2;
        t.tiny = 9;
        return t;
    }

    static Trade sparse() {
        Trade t = new Trade();
        t.id = Integer.MAX_VALUE;
        t.seq = -1;
        t.price = -0.0;
        t.symbol = "a long symbol name that is certainly longer than sixty-three characters, é";
        t.venue = null;
        t.tags = new String[0];
        t.quantities = new long[0];
        t.note = null;
        return t;
    }

    static void print(String name, Kryo kryo, Object record) {
        Output out = new Output(1024, -1);
        kryo.writeClassAndObject(out, record);
        StringBuilder hex = new StringBuilder();
        for (byte b : out.toBytes()) hex.append(String.format("%02x", b));
        System.out.println(name + " " + hex);
    }

    public static void main(String[] args) {
        print("full_registered", kryo(false, true), full());
        print("sparse_registered", kryo(false, true), sparse());
        print("full_by_name", kryo(false, false), full());
        print("full_registered_references", kryo(true, true), full());
        print("sparse_by_name_references", kryo(true, false), sparse());
    }
}
