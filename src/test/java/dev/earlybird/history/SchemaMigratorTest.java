package dev.earlybird.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaMigratorTest {
  @TempDir Path dir;

  @Test
  void migratesAnEmptyFileAndReopensWithoutReapplying() throws Exception {
    Path file = dir.resolve("nested/dirs/store.duckdb");
    try (var store = DuckDbHistoryStore.open(file)) {
      assertThat(store.targets()).isEmpty();
    }
    try (var store = DuckDbHistoryStore.open(file)) {
      assertThat(store.stats().intervalRows()).isZero();
    }
    try (var c = DriverManager.getConnection("jdbc:duckdb:" + file);
        var rs = c.createStatement().executeQuery("SELECT version, description FROM schema_version ORDER BY version")) {
      for (int v = 1; v <= SchemaMigrator.MIGRATIONS.size(); v++) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(v);
        assertThat(rs.getString(2)).isEqualTo(SchemaMigrator.MIGRATIONS.get(v - 1));
      }
      assertThat(rs.next()).as("each migration applied once").isFalse();
    }
  }

  @Test
  void refusesAStoreFromANewerBuild() throws Exception {
    Path file = dir.resolve("store.duckdb");
    DuckDbHistoryStore.open(file).close();
    try (var c = DriverManager.getConnection("jdbc:duckdb:" + file)) {
      c.createStatement().execute("INSERT INTO schema_version VALUES (99, 'V99__future.sql', 0)");
    }
    assertThatThrownBy(() -> DuckDbHistoryStore.open(file))
        .isInstanceOf(HistoryException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("newer Earlybird");
  }

  @Test
  void everyMigrationFileIsListedInOrder() throws Exception {
    Path folder = Path.of("src/main/resources", SchemaMigrator.LOCATION);
    try (Stream<Path> files = Files.list(folder)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .containsExactlyInAnyOrderElementsOf(SchemaMigrator.MIGRATIONS);
    }
    for (int i = 0; i < SchemaMigrator.MIGRATIONS.size(); i++) {
      assertThat(SchemaMigrator.MIGRATIONS.get(i)).startsWith("V" + (i + 1) + "__");
    }
  }

  @Test
  void aFileThatIsNotADatabaseGetsAClearMessage() throws Exception {
    Path file = dir.resolve("garbage.duckdb");
    Files.writeString(file, "this is not a duckdb file, just text ".repeat(200));
    assertThatThrownBy(() -> DuckDbHistoryStore.open(file))
        .isInstanceOf(HistoryException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("move it");
  }
}
