package io.github.sqlitehybrid.it.jpa.bank;

import io.github.sqlitehybrid.retry.DbRetry;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class BankService {

    private final AccountRepository accounts;

    private final AuditService audit;

    BankService(AccountRepository accounts, AuditService audit) {
        this.accounts = accounts;
        this.audit = audit;
    }

    /** Reads both accounts, then writes both: the transaction that fails at once on plain SQLite in WAL mode. */
    @DbRetry
    @Transactional
    public void transfer(long from, long to, long amount) {
        Account source = this.accounts.findById(from).orElseThrow();
        Account target = this.accounts.findById(to).orElseThrow();
        source.add(-amount);
        target.add(amount);
    }

    @Transactional(readOnly = true)
    public long total() {
        return this.accounts.total();
    }

    /** Reads, records an audit row in a transaction of its own, then writes. */
    @DbRetry
    @Transactional
    public long openAfterReading(String holder) {
        long existing = this.accounts.count();
        this.audit.record("opening account " + (existing + 1) + " for " + holder);
        return this.accounts.save(new Account(holder, 0)).getId();
    }

    /** Writes, then records an audit row in a transaction of its own: SQLite cannot do that while it writes. */
    @DbRetry
    @Transactional
    public long openThenAudit(String holder) {
        long id = this.accounts.saveAndFlush(new Account(holder, 0)).getId();
        this.audit.record("opened account " + id + " for " + holder);
        return id;
    }
}
