// The house's arrows (DESIGN.md): rooms import one way, no folder cycles, no file cycles outside the fluent DSL
// classes (which return each other, as Kafka's *Impl classes do). Type-only imports count. `npm run lint` runs this.
const rooms = {
  // room: rooms it may import (besides itself)
  api: [],
  serdes: ['api'],
  windowing: ['api'],
  topology: ['api', 'serdes', 'windowing'],
  dsl: ['api', 'serdes', 'windowing', 'topology'],
  state: ['api', 'serdes'],
  processors: ['api', 'serdes', 'windowing', 'topology', 'state'],
  'log-client': ['api'],
  'record-format': ['log-client'],
  'log-store': ['log-client', 'record-format'],
  kafka: ['log-client', 'record-format'],
  runtime: ['api', 'serdes', 'windowing', 'topology', 'state', 'processors', 'log-client'],
  'test-driver': ['api', 'serdes', 'topology', 'state', 'processors', 'runtime', 'log-client'],
  app: ['api', 'serdes', 'windowing', 'topology', 'dsl', 'state', 'processors', 'runtime', 'log-client', 'log-store', 'kafka'],
  http: ['api', 'serdes', 'topology', 'state', 'runtime', 'app', 'log-client'],
  cli: ['api', 'serdes', 'topology', 'runtime', 'app', 'log-client', 'log-store', 'kafka', 'http'],
};

const roomRules = Object.entries(rooms).map(([room, allowed]) => ({
  name: `room-${room}`,
  comment: `src/${room} may import only ${[room, ...allowed].map((r) => `src/${r}`).join(', ')} (DESIGN.md: the arrows run one way)`,
  severity: 'error',
  from: { path: `^src/${room}/` },
  to: { path: '^src/', pathNot: `^src/(${[room, ...allowed].join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...roomRules,
    {
      name: 'no-file-cycles',
      comment: 'no file cycles, except among the fluent DSL classes in src/dsl',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/dsl/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'folders import each other one way only',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'index-is-the-only-entry',
      comment: 'only src/index.ts may be imported from outside src by library users; nothing in src imports it',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/index\\.ts$' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|test/java)' },
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
