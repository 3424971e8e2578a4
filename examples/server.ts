import { createExampleApp } from './app.js';

// Listens only: the app itself is built in app.ts, which the tests import.
const port = Number(process.env.PORT ?? 3000);
const app = createExampleApp({ jwtSecret: process.env.JWT_SECRET });

app.listen(port, () => {
  console.log(`Example API listening on http://localhost:${port}`);
  if (process.env.JWT_SECRET === undefined) {
    console.log('Using the built-in demo JWT secret: set JWT_SECRET to use your own.');
  }
});
