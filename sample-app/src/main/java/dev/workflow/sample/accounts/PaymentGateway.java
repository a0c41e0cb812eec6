package dev.workflow.sample.accounts;

import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

/**
 * A payment gateway, in memory: {@link #failNext} makes it refuse the next charges, as an outage would.
 */
@Component
public class PaymentGateway {

	private final AtomicInteger outages = new AtomicInteger();

	/**
	 * Charges a card.
	 * @param order the order to charge for
	 * @return the charge's reference
	 * @throws IllegalStateException while the gateway is down
	 */
	public String charge(String order) {
		if (this.outages.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
			throw new IllegalStateException("Payment gateway unavailable");
		}
		return "charge-" + order;
	}

	/**
	 * Makes the next charges fail.
	 * @param charges how many
	 */
	public void failNext(int charges) {
		this.outages.set(charges);
	}

}
