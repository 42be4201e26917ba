// An invitation offers a role through a single-use link: it waits until it is accepted, withdrawn
// or expires, whichever comes first.

export const INVITATION_STATUSES = ['pending', 'accepted', 'withdrawn', 'expired'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export const INVITATION_STATUS_LABELS: Record<InvitationStatus, string> = {
	pending: 'Waiting',
	accepted: 'Accepted',
	withdrawn: 'Withdrawn',
	expired: 'Expired'
};

/** How many invitations one person may send in any 24 hours. */
export const INVITATIONS_PER_DAY = 50;
export const INVITATION_DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How an invitation's link reaches the person: emailed by the server, or (without email set up)
 * shown once to the inviter, who vouches that the address is the person's own.
 */
export type InvitationDelivery = 'email' | 'link';

/** Why an invitation was withdrawn other than by hand, as its audit event records it. */
export type WithdrawalReason = 'inviter-disabled' | 'inviter-lost-role' | 'email-not-sent';

/** An invitation lasts this long after it is sent. */
export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** Accepted and withdrawn are final; otherwise it waits until it expires (at the instant itself). */
export function invitationStatus(
	invitation: { acceptedAt: Date | null; withdrawnAt: Date | null; expiresAt: Date },
	now = new Date()
): InvitationStatus {
	if (invitation.acceptedAt) return 'accepted';
	if (invitation.withdrawnAt) return 'withdrawn';
	if (invitation.expiresAt.getTime() <= now.getTime()) return 'expired';
	return 'pending';
}
