// Live rating sessions: see sessions.ts (the facilitator's side), joining.ts and answers.ts (the
// participant's), screen.ts (what the room sees) and hub.ts (live updates).
export * from './sessions';
export * from './joining';
export * from './answers';
export * from './screen';
export * from './qr';
