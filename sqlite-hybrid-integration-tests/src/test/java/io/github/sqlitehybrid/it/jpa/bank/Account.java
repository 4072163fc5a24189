package io.github.sqlitehybrid.it.jpa.bank;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;

@Entity
public class Account {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String holder;

    private long balance;

    protected Account() {}

    public Account(String holder, long balance) {
        this.holder = holder;
        this.balance = balance;
    }

    public Long getId() {
        return this.id;
    }

    public String getHolder() {
        return this.holder;
    }

    public long getBalance() {
        return this.balance;
    }

    void add(long amount) {
        this.balance += amount;
    }
}
