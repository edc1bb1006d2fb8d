import { ActivityTypes, DeliveryModes, type Activity, type ActivityHandler, type CloudAdapter } from 'botbuilder';
import {
  AuthenticationConstants,
  ClaimsIdentity,
  ConnectorClient,
  ConnectorFactory,
  MicrosoftAppCredentials,
  type AuthenticateRequestResult,
  type ConnectorClientOptions,
} from 'botframework-connector';

/** The replies a Direct Line client shows or acts on; traces and other internal activities stay in the bot. */
const DELIVERED = new Set<string>([ActivityTypes.Message, ActivityTypes.Event, ActivityTypes.Typing, ActivityTypes.EndOfConversation]);

// Every reply comes back in the turn's response (expectReplies), so the connector client the adapter makes for
// a turn is never used: should anything try (updateActivity, say), it fails at once and nothing leaves the process.
const refuseEveryRequest: NonNullable<ConnectorClientOptions['httpClient']> = {
  async sendRequest() {
    throw new Error('the self-hosted Direct Line channel takes replies only in the turn\'s response (expectReplies)');
  },
};

class InProcessConnectorFactory extends ConnectorFactory {
  override async create(serviceUrl: string): Promise<ConnectorClient> {
    return new ConnectorClient(MicrosoftAppCredentials.Empty, { baseUri: serviceUrl, httpClient: refuseEveryRequest });
  }
}

/**
 * Runs a turn of the self-hosted Direct Line channel through the same adapter, middleware (resident input,
 * crisis check, turn lock, error boundary) and bot as /api/messages, and returns the bot's replies.
 *
 * The channel is this process itself, so there is no Bot Framework JWT to check: the Direct Line token was
 * verified before we get here. The turn is given the result such a check would give for the bot's own app id
 * (as CloudAdapter's named-pipe channel does), so it runs the same with or without MicrosoftAppId and never
 * needs Azure. Replies are asked for in the response (deliveryMode expectReplies) rather than sent back to a
 * service URL: they arrive in order, after every middleware has had its say, and go straight into the log.
 */
export class DirectLineTurns {
  private readonly authentication: AuthenticateRequestResult;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly bot: ActivityHandler,
    botAppId: string | undefined,
  ) {
    const appId = botAppId ?? '';
    this.authentication = {
      audience: AuthenticationConstants.ToChannelFromBotOAuthScope,
      claimsIdentity: new ClaimsIdentity(
        [
          { type: AuthenticationConstants.AudienceClaim, value: appId },
          { type: AuthenticationConstants.AppIdClaim, value: appId },
        ],
        true,
      ),
      connectorFactory: new InProcessConnectorFactory(),
    };
  }

  /**
   * Runs one turn and resolves with the replies in the order the bot sent them. `stillOpen` is asked inside
   * the turn lock, just before the bot runs: a conversation ended meanwhile gets no turn and no new state.
   */
  async run(activity: Partial<Activity>, stillOpen: () => Promise<boolean>): Promise<Partial<Activity>[]> {
    // Activity marks many fields required that no channel sends; the adapter takes what there is.
    const incoming = { ...activity, deliveryMode: DeliveryModes.ExpectReplies } as Activity;
    // processActivity is protected; its public twin processActivityDirect drops the response that carries the
    // replies. Element access is TypeScript's way through, with the signature still checked.
    const response = await this.adapter['processActivity'](this.authentication, incoming, async (context) => {
      if (await stillOpen()) await this.bot.run(context);
    });
    const replies = (response?.body as { activities?: Partial<Activity>[] } | undefined)?.activities ?? [];
    return replies.filter((reply) => DELIVERED.has(reply.type ?? ''));
  }
}
