package io.mishbench.results;

import io.mishbench.results.RunsTable.Column;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * {@code runs.parquet}: the {@link RunsTable} as one uncompressed Parquet file (every column optional:
 * strings as UTF-8 binary, integers as INT64, doubles as DOUBLE), built in memory so the caller can
 * write it atomically to any file system. Uncompressed needs no codec natives.
 */
public final class RunsParquet {

  private RunsParquet() {}

  /** The Parquet schema of {@link RunsTable#COLUMNS}, message name {@code run}. */
  public static MessageType schema() {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (Column c : RunsTable.COLUMNS) {
      switch (c.type()) {
        case STRING -> b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c.name());
        case LONG -> b.optional(PrimitiveTypeName.INT64).named(c.name());
        case DOUBLE -> b.optional(PrimitiveTypeName.DOUBLE).named(c.name());
      }
    }
    return b.named("run");
  }

  /** The bytes of a Parquet file with one row per run. */
  public static byte[] bytes(List<RunResult> runs) {
    MessageType schema = schema();
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    InMemoryFile file = new InMemoryFile();
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(file)
        .withType(schema)
        .withConf(new Configuration(false))
        .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .build()) {
      for (RunResult r : runs) {
        Group g = groups.newGroup();
        for (Column c : RunsTable.COLUMNS) {
          Object v = c.of(r);
          if (v instanceof String s) {
            g.append(c.name(), s);
          } else if (v instanceof Long l) {
            g.append(c.name(), l);
          } else if (v instanceof Double d) {
            g.append(c.name(), d);
          }
        }
        writer.write(g);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build runs.parquet: " + e.getMessage(), e);
    }
    return file.bytes.toByteArray();
  }

  /** A Parquet output file in a byte array. */
  private static final class InMemoryFile implements OutputFile {

    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return createOrOverwrite(blockSizeHint);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      bytes.reset();
      return new PositionOutputStream() {
        @Override
        public long getPos() {
          return bytes.size();
        }

        @Override
        public void write(int b) {
          bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          bytes.write(b, off, len);
        }
      };
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }
  }
}
