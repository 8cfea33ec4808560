Console.Error.WriteLine("usage: signalengine <train|features> ...");
return 2;
