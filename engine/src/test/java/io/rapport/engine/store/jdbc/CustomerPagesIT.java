package io.rapport.engine.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.engine.TestStores;
import io.rapport.engine.store.CustomerFilter;
import io.rapport.engine.store.WriteBatch;
import io.rapport.rules.Customer;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pages of customers (GET /v1/customers) on H2 and PostgreSQL: by stage and by the start of the id, each customer
 * once, and on PostgreSQL each page one range of an index, never a scan of the table or a sort of a stage.
 */
class CustomerPagesIT {
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  @RegisterExtension
  final TestStores stores = new TestStores();
  private JdbcStore store;

  private void open(String backend) throws Exception {
    store = stores.open(backend, 64);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void pagingThroughAStageListsEachOfItsCustomersOnceInIdOrder(String backend) throws Exception {
    open(backend);
    addCustomers("lead-", 23, "LEAD");
    addCustomers("new-", 5, "NEW_CUSTOMER");

    List<String> seen = new ArrayList<>();
    String after = null;
    for (int pages = 0; pages < 10; pages++) {
      List<Customer> page = store.customers(new CustomerFilter("LEAD", "", after, 7));
      page.forEach(c -> seen.add(c.getId()));
      if (page.size() < 7) {
        break;
      }
      after = page.get(page.size() - 1).getId();
    }
    assertThat(seen).hasSize(23).doesNotHaveDuplicates().isSorted().allMatch(id -> id.startsWith("lead-"));
    assertThat(store.customers(new CustomerFilter(null, "", null, 100))).hasSize(28);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aSearchListsOnlyTheCustomersWhoseIdStartsWithTheTextTakenLiterally(String backend) throws Exception {
    open(backend);
    addCustomers("ab", 3, "LEAD"); // ab0 ab1 ab2
    addCustomers("ac", 2, "LEAD");
    addCustomers("a%", 2, "LEAD"); // a LIKE pattern would match everything
    addCustomers("a_", 2, "NEW_CUSTOMER");
    addCustomers("zé", 2, "LEAD");

    assertThat(ids(new CustomerFilter(null, "ab", null, 50))).containsExactly("ab0", "ab1", "ab2");
    assertThat(ids(new CustomerFilter(null, "a%", null, 50))).containsExactly("a%0", "a%1");
    assertThat(ids(new CustomerFilter("LEAD", "a_", null, 50))).isEmpty();
    assertThat(ids(new CustomerFilter("NEW_CUSTOMER", "a_", null, 50))).containsExactly("a_0", "a_1");
    assertThat(ids(new CustomerFilter("LEAD", "zé", null, 50))).containsExactly("zé0", "zé1");
    assertThat(ids(new CustomerFilter("LEAD", "ab", "ab0", 1))).containsExactly("ab1");
    assertThat(ids(new CustomerFilter("GONE", "", null, 50))).isEmpty();
  }

  @Test
  void onPostgresqlAPageIsOneRangeOfAnIndexWhateverTheParameters() throws Exception {
    open("postgresql");
    // stored in no particular order, as customers arrive: a table's rows are not in id order
    List<Customer> customers = new ArrayList<>();
    for (int batch = 0; batch < 10; batch++) {
      String stage = batch % 3 == 0 ? "CHURNED" : batch % 3 == 1 ? "REPEAT" : "LEAD";
      for (int i = 0; i < 2000; i++) {
        customers.add(new Customer("c" + batch + "-" + i, stage, now, 0, BigDecimal.ZERO, null, now, null, 0, Map.of(), 0));
      }
    }
    Collections.shuffle(customers, new Random(30));
    for (int from = 0; from < customers.size(); from += 1000) {
      store.write(new WriteBatch(List.of(), customers.subList(from, from + 1000), now));
    }
    try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement()) {
      st.execute("ANALYZE customers");
      for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
        st.execute("SET plan_cache_mode = " + mode);
        String byStage = plan(st, CustomersTable.pageQuery(true, true), "'REPEAT'", "'c4-1'", "'c4-1'", "'c4-2'", "50");
        // a stage and an id prefix: either index is one range bounded by them (the planner takes the narrower)
        assertThat(byStage).as(mode).containsPattern("Index Scan using customers_(by_stage|pkey)")
            .doesNotContain("Seq Scan", "Sort", "Bitmap");
        String stageOnly = plan(st, CustomersTable.pageQuery(true, false), "'LEAD'", "''", "'c5-99'", "50");
        assertThat(stageOnly).as(mode).contains("Index Scan using customers_by_stage")
            .doesNotContain("Seq Scan", "Sort", "Bitmap");
        String all = plan(st, CustomersTable.pageQuery(false, true), "'c7'", "''", "'c8'", "50");
        assertThat(all).as(mode).contains("Index Scan using customers_pkey").doesNotContain("Seq Scan", "Sort", "Bitmap");
      }
    }
  }

  /** The plan of the statement prepared with $n parameters, executed with these literal values. */
  private static String plan(Statement st, String sql, String... values) throws Exception {
    StringBuilder numbered = new StringBuilder();
    int n = 0;
    for (char ch : sql.toCharArray()) {
      numbered.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
    }
    st.execute("DEALLOCATE ALL");
    st.execute("PREPARE page AS " + numbered);
    StringBuilder plan = new StringBuilder();
    try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE page(" + String.join(", ", values) + ")")) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  private List<String> ids(CustomerFilter filter) {
    return store.customers(filter).stream().map(Customer::getId).toList();
  }

  private void addCustomers(String prefix, int count, String stage) {
    List<Customer> customers = IntStream.range(0, count)
        .mapToObj(i -> new Customer(prefix + i, stage, now, 0, BigDecimal.ZERO, null, now, null, 0, Map.of(), 0))
        .toList();
    store.write(new WriteBatch(List.of(), customers, now));
  }
}
