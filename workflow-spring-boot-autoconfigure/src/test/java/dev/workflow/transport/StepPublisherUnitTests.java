package dev.workflow.transport;

import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.ReturnedMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which answers of the broker to a message published alone are refusals: a nack, a return, a channel the broker
 * closes; not a lost connection, nor a channel the client closes.
 */
class StepPublisherUnitTests {

	@Test
	void aChannelTheBrokerClosesIsARefusalWithItsReplyCodeAndText() {
		assertThat(StepPublisher.refusal(false, "channel error; protocol method: #method<channel.close>(reply-code=406, "
				+ "reply-text=PRECONDITION_FAILED - message size 17825826 is larger than configured max size 16777216, "
				+ "class-id=60, method-id=40)", null))
			.isEqualTo("the broker closed the channel over it: 406 PRECONDITION_FAILED - message size 17825826 is "
					+ "larger than configured max size 16777216");
		assertThat(StepPublisher.refusal(false, "channel error; protocol method: #method<channel.close>(reply-code=404, "
				+ "reply-text=NOT_FOUND - no exchange 'gone' in vhost '/', class-id=60, method-id=40)", null))
			.isEqualTo("the broker closed the channel over it: 404 NOT_FOUND - no exchange 'gone' in vhost '/'");
	}

	@Test
	void aNackOrAReturnDeclinesAMessageForNowAndIsNoRefusal() {
		assertThat(StepPublisher.refusal(false, null, null)).isNull();
		assertThat(StepPublisher.declined(false, null, null)).isEqualTo("the broker nacked it");
		ReturnedMessage returned = new ReturnedMessage(MessageBuilder.withBody(new byte[0]).build(), 312, "NO_ROUTE",
				"workflow", "workflow.step");
		assertThat(StepPublisher.refusal(true, null, returned)).isNull();
		assertThat(StepPublisher.declined(true, null, returned)).isEqualTo("the broker returned it: 312 NO_ROUTE");
		assertThat(StepPublisher.declined(true, null, null)).isNull();
	}

	@Test
	void aLostConnectionOrAChannelTheClientClosesIsNoRefusal() {
		assertThat(StepPublisher.refusal(false, "connection error; protocol method: #method<connection.close>("
				+ "reply-code=320, reply-text=CONNECTION_FORCED - broker forced connection closure with reason "
				+ "'shutdown', class-id=0, method-id=0)", null))
			.isNull();
		assertThat(StepPublisher.refusal(false, "connection error; cause: java.net.SocketException: Connection reset",
				null))
			.isNull();
		assertThat(StepPublisher.refusal(false, "Channel closed by application", null)).isNull();
		assertThat(StepPublisher.refusal(false, "clean channel shutdown; protocol method: #method<channel.close>("
				+ "reply-code=200, reply-text=OK, class-id=0, method-id=0)", null))
			.isNull();
	}

	@Test
	void aConfirmIsNoRefusal() {
		assertThat(StepPublisher.refusal(true, null, null)).isNull();
	}

}
