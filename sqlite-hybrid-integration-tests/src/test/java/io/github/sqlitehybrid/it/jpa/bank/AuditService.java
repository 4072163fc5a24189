package io.github.sqlitehybrid.it.jpa.bank;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** An audit row that must stay even when the caller's transaction rolls back: its own transaction. */
@Service
public class AuditService {

    private final AuditRepository audit;

    AuditService(AuditRepository audit) {
        this.audit = audit;
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void record(String event) {
        this.audit.save(new AuditEntry(event));
    }
}
