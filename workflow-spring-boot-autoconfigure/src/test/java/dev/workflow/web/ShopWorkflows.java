package dev.workflow.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.UserContext;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Workflows;

/**
 * A small shop for the dashboard to show: orders that are fulfilled (or fail while their customer's card is
 * declined), and purchases that wait for an approval.
 */
public final class ShopWorkflows {

	/** Customers whose card is declined: their orders fail at charge_card until the test removes them. */
	public static final Set<String> DECLINED = ConcurrentHashMap.newKeySet();

	private ShopWorkflows() {
	}

	/**
	 * An order.
	 * @param orderId the order's number
	 * @param items what was ordered
	 * @param totalCents what it costs
	 */
	public record Order(String orderId, List<String> items, int totalCents) {
	}

	/**
	 * Reserves, charges and ships an order.
	 */
	@Workflow(name = "order_fulfilment")
	public static class OrderFulfilment {

		@Step(order = 1, name = "reserve_stock")
		public Order reserveStock(Order order) {
			return order;
		}

		@Step(order = 2, name = "charge_card", maxAttempts = 2, initialDelay = "100ms")
		public Map<String, Object> chargeCard(Order order, @UserContext Map<String, Object> customer) {
			if (DECLINED.contains(String.valueOf(customer.get("customer")))) {
				throw new IllegalStateException("The card of customer " + customer.get("customer") + " was declined");
			}
			return Map.of("orderId", order.orderId(), "charged", order.totalCents());
		}

		@Step(order = 3, name = "ship_parcel")
		public Map<String, Object> shipParcel(Map<String, Object> charge) {
			return Map.of("orderId", charge.get("orderId"), "tracking", "PKG-" + charge.get("orderId"));
		}

	}

	/**
	 * Prices a purchase, waits for someone to approve it, then places it.
	 */
	@Workflow(name = "purchase_approval")
	public static class PurchaseApproval {

		private final PurchaseSteps steps;

		PurchaseApproval(PurchaseSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String approve(Order order) {
			int total = this.steps.price(order);
			return Workflows.awaitEvent("approved", Duration.ofHours(1), String.class)
				.map((approver) -> this.steps.place(order.orderId(), total, approver))
				.orElse("not approved");
		}

	}

	/**
	 * The steps of a purchase.
	 */
	public static class PurchaseSteps {

		@Step(name = "price")
		public int price(Order order) {
			return order.totalCents();
		}

		@Step(name = "place")
		public String place(String orderId, int total, String approver) {
			return orderId + " placed, " + total + " approved by " + approver;
		}

	}

}
