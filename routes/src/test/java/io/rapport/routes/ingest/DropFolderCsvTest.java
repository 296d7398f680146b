package io.rapport.routes.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rapport.messages.CanonicalTouchpoint;
import io.rapport.routes.RunningChannels;
import io.rapport.routes.ChannelMessages;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV files in the drop folder and its backfill folder, through the shipped route, read as a user drops them. */
class DropFolderCsvTest {
  @TempDir
  Path drop;
  @TempDir
  Path mappings;
  private RunningChannels running;

  @BeforeEach
  void start() throws Exception {
    running = new RunningChannels(drop, mappings, Map.of(), Clock.systemUTC());
  }

  @AfterEach
  void stop() throws Exception {
    running.close();
  }

  private void awaitFile(Path file) {
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file));
  }

  @Test
  void aCanonicalCsvIsIngestedWithTypedCellsAndMovedToDone() throws Exception {
    Files.writeString(drop.resolve("history.csv"), """
        id,customerId,type,occurredAt,channel,value,currency,properties.score,properties.zip,properties.note
        t-1,c-1,purchase,2026-11-24T10:15:00Z,store,42.50,EUR,,01234,"paid, in cash"
        t-2,c-1,nps_response,2026-11-25T09:00:00+01:00,survey,,,9,,
        """);
    awaitFile(drop.resolve(".done/history.csv"));
    assertThat(running.touchpoints()).hasSize(2);
    CanonicalTouchpoint purchase = running.touchpoints().get(0);
    assertThat(purchase.value()).isEqualByComparingTo(new BigDecimal("42.50"));
    assertThat(purchase.currency()).isEqualTo("EUR");
    assertThat(purchase.properties()).containsEntry("zip", "01234").containsEntry("note", "paid, in cash")
        .doesNotContainKey("score");
    CanonicalTouchpoint nps = running.touchpoints().get(1);
    assertThat(((Number) nps.properties().get("score")).intValue()).isEqualTo(9);
    assertThat(nps.occurredAt()).isEqualTo(Instant.parse("2026-11-25T08:00:00Z"));
    assertThat(running.engineGot.get(0).backfill()).isFalse();
    assertThat(running.messages.count("drop-folder", ChannelMessages.ACCEPTED)).isEqualTo(2);
  }

  @Test
  void aCsvWithOneBadRowAtTheEndIsNotIngestedAtAllAndGetsAReport() throws Exception {
    StringBuilder csv = new StringBuilder("id,customerId,type,occurredAt\n");
    for (int i = 0; i < 2500; i++) { // more than two chunks of good rows before the bad one
      csv.append("b-").append(i).append(",c-").append(i % 7).append(",web_visit,2026-11-24T10:15:00Z\n");
    }
    csv.append("b-bad,c-1,web_visit,last tuesday\n");
    Files.writeString(drop.resolve("bad.csv"), csv);
    Path report = drop.resolve(".failed/bad.csv.errors.json");
    awaitFile(drop.resolve(".failed/bad.csv"));
    awaitFile(report);
    JsonObject errors = new JsonObject(Files.readString(report));
    JsonObject problem = errors.getJsonArray("details").getJsonObject(0);
    assertThat(problem.getLong("row")).isEqualTo(2501);
    assertThat(problem.getString("field")).isEqualTo("occurredAt");
    assertThat(running.engineGot).isEmpty();
    assertThat(running.messages.count("drop-folder", ChannelMessages.REJECTED)).isEqualTo(1);
  }

  @Test
  void aCsvWithOtherHeadersAndNoMappingIsRefusedNamingThemAndTheMappingItLookedFor() throws Exception {
    Files.writeString(drop.resolve("till-2026-11.csv"), "receipt,member,amount\nr-1,m-1,12.00\n");
    Path report = drop.resolve(".failed/till-2026-11.csv.errors.json");
    awaitFile(report);
    String error = new JsonObject(Files.readString(report)).getString("error");
    assertThat(error).contains("receipt").contains("csv-till.jsonata");
    assertThat(running.engineGot).isEmpty();
  }

  @Test
  void aCsvWithOtherHeadersIsReadThroughTheMappingNamedByItsPrefix() throws Exception {
    Files.writeString(mappings.resolve("csv-till.jsonata"), """
        /* the point of sale's export: one row per receipt */
        {
          "id": "till:" & receipt,
          "customerId": member,
          "type": "purchase",
          "occurredAt": sold_at,
          "channel": "store",
          "value": $number(amount),
          "currency": "EUR",
          "properties": {"store": $file}
        }
        """);
    Files.writeString(drop.resolve("till-2026-11.csv"), "receipt,member,amount,sold_at\n"
        + "r-1,m-1,12.00,2026-11-24T10:15:00Z\nr-2,m-2,7.5,2026-11-24T11:00:00Z\n");
    awaitFile(drop.resolve(".done/till-2026-11.csv"));
    assertThat(running.touchpoints()).extracting(CanonicalTouchpoint::id).containsExactly("till:r-1", "till:r-2");
    assertThat(running.touchpoints().get(1).value()).isEqualByComparingTo(new BigDecimal("7.5"));
    assertThat(running.touchpoints().get(0).properties()).containsEntry("store", "till-2026-11.csv");
  }

  @Test
  void filesInTheBackfillFolderAreHandedOverAsHistory() throws Exception {
    Path backfill = Files.createDirectories(drop.resolve("backfill"));
    Files.writeString(backfill.resolve("2025.csv"), "id,customerId,type,occurredAt,value,currency\n"
        + "h-1,c-9,purchase,2025-03-01T10:00:00Z,20,EUR\n");
    Files.writeString(backfill.resolve("2025.ndjson"), "{\"id\":\"h-2\",\"customerId\":\"c-9\",\"type\":\"purchase\","
        + "\"occurredAt\":\"2025-04-01T10:00:00Z\"}\n");
    awaitFile(backfill.resolve(".done/2025.csv"));
    awaitFile(backfill.resolve(".done/2025.ndjson"));
    assertThat(running.touchpoints()).extracting(CanonicalTouchpoint::id).containsExactlyInAnyOrder("h-1", "h-2");
    assertThat(running.engineGot).allSatisfy(batch -> assertThat(batch.backfill()).isTrue());
  }

  @Test
  void aCsvTheEngineCannotTakeNowStaysToBeTriedAgain() throws Exception {
    running.engineFailure = 503;
    Files.writeString(drop.resolve("later.csv"), "id,customerId,type,occurredAt\nl-1,c-1,signup,2026-11-24T10:15:00Z\n");
    Thread.sleep(1500); // a few polls
    assertThat(drop.resolve("later.csv")).exists();
    assertThat(drop.resolve(".failed/later.csv")).doesNotExist();
    running.engineFailure = 0;
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(drop.resolve(".done/later.csv")));
    assertThat(running.touchpoints()).extracting(CanonicalTouchpoint::id).contains("l-1");
  }

  @Test
  void aCsvSavedByASpreadsheetWithAByteOrderMarkCrlfAndBlankLinesIsRead() throws Exception {
    Files.writeString(drop.resolve("export.csv"), "\uFEFFid,customerId,type,occurredAt\r\n"
        + "s-1,c-5,signup,2026-11-24T10:15:00Z\r\n\r\ns-2,c-5,web_visit,2026-11-24T10:16:00Z\r\n\r\n");
    awaitFile(drop.resolve(".done/export.csv"));
    assertThat(running.touchpoints()).extracting(CanonicalTouchpoint::id).containsExactly("s-1", "s-2");
  }

  @Test
  void aFileThatIsNotCsvIsRefusedNamingTheRow() throws Exception {
    Files.writeString(drop.resolve("broken.csv"), "id,customerId,type,occurredAt\n"
        + "x-1,c-1,signup,2026-11-24T10:15:00Z\n\"x-2,c-1,signup,2026-11-24T10:16:00Z\n");
    Path report = drop.resolve(".failed/broken.csv.errors.json");
    awaitFile(report);
    assertThat(new JsonObject(Files.readString(report)).getString("error")).contains("row 2").contains("not valid CSV");
    assertThat(running.engineGot).isEmpty();
  }
}
