package io.github.sqlitehybrid.data.jdbc.shop;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.MappedCollection;
import org.springframework.data.relational.core.mapping.Table;

/**
 * An aggregate with every kind of property the dialect has to carry: a generated id, a version, dates and times, a
 * boolean and a one-to-many collection. Its table is named after a reserved word, which only quoting makes usable.
 */
@Table("order")
public class Order {

    @Id
    private @Nullable Long id;

    @Version
    private @Nullable Long version;

    private String customer;

    private String status;

    private LocalDate orderDate;

    private LocalDateTime placedAt;

    private Instant updatedAt;

    private @Nullable LocalTime deliverAfter;

    private boolean paid;

    @MappedCollection(idColumn = "order_id", keyColumn = "line_no")
    private List<OrderLine> lines = new ArrayList<>();

    public Order(
            String customer,
            String status,
            LocalDate orderDate,
            LocalDateTime placedAt,
            Instant updatedAt,
            @Nullable LocalTime deliverAfter,
            boolean paid) {
        this.customer = customer;
        this.status = status;
        this.orderDate = orderDate;
        this.placedAt = placedAt;
        this.updatedAt = updatedAt;
        this.deliverAfter = deliverAfter;
        this.paid = paid;
    }

    public @Nullable Long getId() {
        return this.id;
    }

    public @Nullable Long getVersion() {
        return this.version;
    }

    public String getCustomer() {
        return this.customer;
    }

    public String getStatus() {
        return this.status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public LocalDate getOrderDate() {
        return this.orderDate;
    }

    public LocalDateTime getPlacedAt() {
        return this.placedAt;
    }

    public Instant getUpdatedAt() {
        return this.updatedAt;
    }

    public void setUpdatedAt(Instant updatedAt) {
        this.updatedAt = updatedAt;
    }

    public @Nullable LocalTime getDeliverAfter() {
        return this.deliverAfter;
    }

    public boolean isPaid() {
        return this.paid;
    }

    public List<OrderLine> getLines() {
        return this.lines;
    }

    public Order addLine(String product, int quantity, long priceCents) {
        this.lines.add(new OrderLine(product, quantity, priceCents));
        return this;
    }

    @Override
    public String toString() {
        return "Order " + this.id + " of " + this.customer + " placed at " + this.placedAt;
    }
}
