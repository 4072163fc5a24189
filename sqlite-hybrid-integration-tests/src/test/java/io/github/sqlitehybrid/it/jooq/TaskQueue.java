package io.github.sqlitehybrid.it.jooq;

import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tasks that workers claim: a claim reads the first unclaimed task and then marks it, in one jOOQ transaction (run
 * by Boot's Spring transaction provider); a report counts claimed and unclaimed tasks in a read-only Spring
 * transaction.
 */
@Service
public class TaskQueue {

    static final Table<Record> TASK = table(name("task"));

    static final Field<Integer> ID = field(name("id"), Integer.class);

    static final Field<String> CLAIMED_BY = field(name("claimed_by"), String.class);

    private final DSLContext dsl;

    TaskQueue(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Create the table with {@code tasks} unclaimed tasks, numbered from 1. */
    public void create(int tasks) {
        this.dsl.transaction((configuration) -> {
            DSLContext tx = configuration.dsl();
            tx.createTable(TASK)
                    .column(ID.getName(), SQLDataType.INTEGER.notNull())
                    .column(CLAIMED_BY.getName(), SQLDataType.VARCHAR(64))
                    .primaryKey(ID.getName())
                    .execute();
            for (int id = 1; id <= tasks; id++) {
                tx.insertInto(TASK, ID).values(id).execute();
            }
        });
    }

    /**
     * Claim the first unclaimed task: a read, then a write of what was read, with no guard in the write, so two
     * transactions that read the same task would both claim it.
     * @return the task claimed, or {@code null} if none is left
     */
    public @Nullable Integer claim(String worker) {
        return this.dsl.transactionResult((configuration) -> {
            DSLContext tx = configuration.dsl();
            Integer id = tx.select(ID)
                    .from(TASK)
                    .where(CLAIMED_BY.isNull())
                    .orderBy(ID)
                    .limit(1)
                    .fetchOne(ID);
            if (id != null) {
                tx.update(TASK).set(CLAIMED_BY, worker).where(ID.eq(id)).execute();
            }
            return id;
        });
    }

    /** Claimed and unclaimed tasks, counted in two queries of one read-only transaction. */
    @Transactional(readOnly = true)
    public Counts counts() {
        int claimed = this.dsl.fetchCount(TASK, CLAIMED_BY.isNotNull());
        int unclaimed =
                this.dsl.select(count()).from(TASK).where(CLAIMED_BY.isNull()).fetchOne(0, int.class);
        return new Counts(claimed, unclaimed);
    }

    /** Which worker holds each claimed task. */
    @Transactional(readOnly = true)
    public Map<Integer, String> claims() {
        return this.dsl
                .select(ID, CLAIMED_BY)
                .from(TASK)
                .where(CLAIMED_BY.isNotNull())
                .fetchMap(ID, CLAIMED_BY);
    }

    /**
     * A report.
     * @param claimed tasks claimed
     * @param unclaimed tasks left
     */
    public record Counts(int claimed, int unclaimed) {}
}
