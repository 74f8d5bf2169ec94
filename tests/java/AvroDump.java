// Prints every record of an Avro container file in Avro's JSON encoding, one per line,
// with Java Avro (Debian's libavro-java, 1.8.2): the avro_tools test compares it with ours.
import java.io.ByteArrayOutputStream;
import java.io.File;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;

public class AvroDump {
    public static void main(String[] args) throws Exception {
        DataFileReader<Object> file =
            new DataFileReader<>(new File(args[0]), new GenericDatumReader<Object>());
        Schema schema = file.getSchema();
        GenericDatumWriter<Object> writer = new GenericDatumWriter<>(schema);
        for (Object datum : file) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(schema, out);
            writer.write(datum, encoder);
            encoder.flush();
            System.out.println(out.toString("UTF-8"));
        }
        file.close();
    }
}
