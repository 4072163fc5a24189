package io.github.sqlitehybrid.data.jdbc.shop;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Orders whose dates and times are neither in insertion order nor of one width when printed the ISO way (whole
 * seconds, milliseconds, nanoseconds; across a leap day and a change of year), so that ordering by their text only
 * works if the dialect writes them at a fixed width.
 */
public final class SampleOrders {

    private static final LocalDate FIRST_DAY = LocalDate.of(2023, 12, 30);

    private static final LocalDateTime FIRST_PLACED = LocalDateTime.of(2024, 2, 28, 23, 59, 59);

    private static final Instant FIRST_UPDATE = Instant.parse("2025-10-26T00:30:00Z");

    private SampleOrders() {}

    /**
     * Create orders, not saved.
     * @param count how many; a count with no factor 29, 37 or 53 keeps every date distinct
     * @param customers how many customers share them
     * @return the orders
     */
    public static List<Order> create(int count, int customers) {
        List<Order> orders = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            orders.add(order(i, count, "customer-" + (i % customers)));
        }
        return orders;
    }

    /**
     * Create one order, not saved.
     * @param i its number, which spreads its dates
     * @param count the spread's width
     * @param customer its customer
     * @return the order
     */
    public static Order order(int i, int count, String customer) {
        Order order = new Order(
                customer,
                (i % 2 == 0) ? "open" : "shipped",
                FIRST_DAY.plusDays((i * 37L) % count),
                FIRST_PLACED.plusMinutes((i * 53L) % count * 97).plusNanos(fraction(i)),
                FIRST_UPDATE.plusSeconds((i / 2 * 29L) % count * 1801).plusNanos(pastTheSecond(i)),
                (i % 5 == 0) ? null : LocalTime.of(8, 0).plusMinutes(i * 13L).plusNanos(fraction(i + 2)),
                i % 3 == 0);
        for (int line = 0; line < i % 4; line++) {
            order.addLine("product-" + line, line + 1, 100L * i + line);
        }
        return order;
    }

    // Two by two in the same second: the even one on it, the odd one milliseconds or nanoseconds past it.
    private static long pastTheSecond(int i) {
        if (i % 2 == 0) {
            return 0;
        }
        return (i % 4 == 1) ? (i % 999 + 1) * 1_000_000L : 123_456_789L - i;
    }

    // Whole seconds, milliseconds or nanoseconds.
    private static long fraction(int i) {
        return switch (i % 3) {
            case 0 -> 0;
            case 1 -> (i % 999 + 1) * 1_000_000L;
            default -> 123_456_789L - i;
        };
    }
}
