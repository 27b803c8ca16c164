"""Nested helpers that sleep: a request handler whose call chain reaches I/O several levels down."""

import eventlet as ev

CUSTOMERS = {101: "Ada", 102: "Grace", 103: "Linus"}
ORDERS = {101: ["pen", "ink"], 102: ["paper"], 103: ["ink", "paper", "pen"]}
PRICES = {"pen": 3, "ink": 7, "paper": 2}


def query(table, key):
    ev.sleep(0.002)  # a round-trip to the database
    return table[key]


def load_customer(order_id):
    return query(CUSTOMERS, order_id)


def load_items(order_id):
    def price_of(sku):
        ev.sleep(0.001)
        return PRICES[sku]

    return [(sku, price_of(sku)) for sku in query(ORDERS, order_id)]


def render_invoice(customer, items):
    lines = ", ".join(f"{sku}={price}" for sku, price in items)
    return f"{customer}: {lines} (total {sum(price for _, price in items)})"


def handle_order(order_id):
    customer = load_customer(order_id)
    items = load_items(order_id)
    return render_invoice(customer, items)


def main():
    print(handle_order(101))
    threads = [ev.spawn(handle_order, order_id) for order_id in (102, 103)]
    for thread in threads:
        print(thread.wait())


if __name__ == "__main__":
    main()
