import type { AnyLiveEntry } from "../../protocol/live";
import type { ViewSpec } from "../live/views";

/** A view's state as the game carries it to a relay before placing the view's first spectator there. */
export interface CarriedView {
  game: string;
  relay: number;
  /** The sockets this relay may hold on its own now (`relayAllowance`). */
  allowance: number;
  spec: ViewSpec;
  seq: number;
  total: number;
  entries: AnyLiveEntry[];
}

/** One view's message for a relay's sockets, or null: the game lost the view's state (its sockets must resync). */
export interface RelayedMessage {
  view: string;
  message: string | null;
}
